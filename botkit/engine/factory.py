"""Engine names -> engines. The model registry (data) arrives with more backends; until then the
names below are built in."""

from __future__ import annotations

from collections.abc import Callable

from botkit.engine.base import Engine
from botkit.errors import InputError


def _tiny_wan() -> Engine:
    from botkit.engine.tiny import build_tiny_wan_pipeline
    from botkit.engine.wan import WanEngine

    return WanEngine(
        build_tiny_wan_pipeline(), name="tiny-wan", native_size=(32, 32), default_steps=2, max_sequence_length=32
    )


def _embedded() -> Engine:
    from botkit.engine.embedded.backend import EmbeddedEngine

    return EmbeddedEngine.load()


_BUILTIN: dict[str, Callable[[], Engine]] = {
    "embedded": _embedded,
    "tiny-wan": _tiny_wan,
}


def available_engines() -> list[str]:
    return sorted(_BUILTIN)


def load_engine(name: str) -> Engine:
    try:
        build = _BUILTIN[name]
    except KeyError:
        raise InputError(f"unknown engine {name!r}; available: {', '.join(available_engines())}") from None
    return build()
