"""The web channel: HTTP API (FastAPI), SSE progress, signed assets and the embeddable widget."""

from .app import create_app
from .options import WebOptions
from .sites import create_site, list_sites
from .tokens import mint_user_token

__all__ = ["WebOptions", "create_app", "create_site", "list_sites", "mint_user_token"]
