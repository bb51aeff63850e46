"""Video diffusion engines behind one small interface (``Engine.generate``).

``base`` (the ``Engine`` and ``ChunkEngine`` protocols, ``Capabilities``), ``registry`` +
``models.toml`` (named models as data), ``factory`` (entry -> engine), ``pipeline`` (any diffusers
pipeline), ``families/`` (per-family argument mapping), ``longvideo`` (chained calls),
``factorized`` (key frame -> video), ``animatic`` (a preview), ``embedded/`` (the default model).
"""

from botkit.engine.base import Capabilities, ChunkEngine, Engine
from botkit.engine.factory import available_engines, load_engine

__all__ = ["Capabilities", "ChunkEngine", "Engine", "available_engines", "load_engine"]
