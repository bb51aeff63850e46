"""Video diffusion engines behind one small interface (``Engine.generate``)."""

from botkit.engine.base import Engine
from botkit.engine.factory import available_engines, load_engine

__all__ = ["Engine", "available_engines", "load_engine"]
