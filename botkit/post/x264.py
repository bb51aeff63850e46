"""The x264 presets (speed against size at the same quality); a setting, ``veryfast`` by default.

Measured on the demo: ``superfast`` encodes about 21% faster than ``veryfast`` for 1.9x the bytes,
so the default stays a quality choice and a deployment that pays for CPU rather than bandwidth
can change it (``BOTKIT_X264_PRESET``)."""

from __future__ import annotations

from typing import Literal

X264Preset = Literal["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
DEFAULT_X264_PRESET: X264Preset = "veryfast"
