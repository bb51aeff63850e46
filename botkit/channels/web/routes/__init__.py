"""The web API's routes, one module-level ``APIRouter`` per noun; ``create_app`` includes them."""
