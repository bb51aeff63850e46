"""Platform presets: size, frame rate, duration limits and UI safe zones per platform id, read from
``presets.toml`` (data, with sources as comments) and overridable by a user TOML file."""

from __future__ import annotations

import logging
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from botkit.domain import PLATFORM_IDS
from botkit.errors import InputError

logger = logging.getLogger(__name__)

DEFAULTS_FILE = Path(__file__).with_name("presets.toml")


class SafeZone(BaseModel):
    """The part of an output frame no platform UI covers, as a rectangle in output pixels."""

    model_config = ConfigDict(frozen=True)

    left: int
    top: int
    right: int  # exclusive
    bottom: int  # exclusive

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def contains(self, x: int, y: int, width: int, height: int) -> bool:
        return x >= self.left and y >= self.top and x + width <= self.right and y + height <= self.bottom


class PlatformPreset(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    aspect_label: str = ""
    width: int = Field(ge=16, le=8192)
    height: int = Field(ge=16, le=8192)
    fps: int = Field(ge=1, le=120)
    fps_min: int = Field(default=1, ge=1, le=120)
    fps_max: int = Field(default=120, ge=1, le=120)
    min_duration_s: float = Field(default=0.0, ge=0)
    max_duration_s: float = Field(gt=0)
    safe_top: int = Field(default=0, ge=0)
    safe_bottom: int = Field(default=0, ge=0)
    safe_left: int = Field(default=0, ge=0)
    safe_right: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> PlatformPreset:
        if self.width % 2 or self.height % 2:
            raise ValueError(f"{self.id}: width and height must be even for yuv420p, got {self.width}x{self.height}")
        if not self.fps_min <= self.fps <= self.fps_max:
            raise ValueError(f"{self.id}: fps {self.fps} outside the platform's range {self.fps_min}-{self.fps_max}")
        if self.min_duration_s > self.max_duration_s:
            raise ValueError(f"{self.id}: min_duration_s {self.min_duration_s} > max_duration_s {self.max_duration_s}")
        zone = self.safe_zone
        if zone.width < self.width // 4 or zone.height < self.height // 4:
            raise ValueError(
                f"{self.id}: the safe zone {zone.width}x{zone.height} leaves less than a quarter of the frame"
            )
        return self

    @property
    def aspect(self) -> float:
        return self.width / self.height

    def scaled(self, factor: float) -> PlatformPreset:
        """The same preset at ``factor`` times the size (even sizes; for tests and previews)."""

        def even(value: int) -> int:
            return max(16, 2 * round(value * factor / 2))

        def px(value: int) -> int:
            return round(value * factor)

        return self.model_copy(
            update={
                "width": even(self.width),
                "height": even(self.height),
                "safe_top": px(self.safe_top),
                "safe_bottom": px(self.safe_bottom),
                "safe_left": px(self.safe_left),
                "safe_right": px(self.safe_right),
            }
        )

    @property
    def safe_zone(self) -> SafeZone:
        return SafeZone(
            left=self.safe_left,
            top=self.safe_top,
            right=self.width - self.safe_right,
            bottom=self.height - self.safe_bottom,
        )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"presets file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"presets file {path} is not valid TOML: {exc}") from None


def _build(tables: dict[str, dict[str, Any]], source: str) -> dict[str, PlatformPreset]:
    presets = {}
    for platform, values in tables.items():
        if not isinstance(values, dict):
            raise InputError(f"{source}: [{platform}] must be a table of preset values")
        values = dict(values)
        if "aspect" in values:
            values["aspect_label"] = values.pop("aspect")
        try:
            presets[platform] = PlatformPreset(id=platform, **values)
        except ValidationError as exc:
            raise InputError(f"{source}: preset {platform!r} is invalid: {exc.errors()[0]['msg']}") from None
    return presets


@cache
def default_presets() -> dict[str, PlatformPreset]:
    presets = _build(_read_toml(DEFAULTS_FILE), DEFAULTS_FILE.name)
    missing = set(PLATFORM_IDS) - set(presets)
    if missing:
        raise RuntimeError(f"{DEFAULTS_FILE.name} lacks presets for {sorted(missing)}")
    return presets


def load_presets(overrides: Path | None = None) -> dict[str, PlatformPreset]:
    """The shipped presets, with any values in the user's ``overrides`` TOML file laid over them.

    A table for a known platform changes only the keys it names (``[tiktok]`` ``fps = 60``); a table
    for a new id must give every required value and defines a new platform.
    """
    base = {key: preset.model_dump(exclude={"id"}) for key, preset in default_presets().items()}
    if overrides is None:
        return dict(default_presets())
    user = _read_toml(Path(overrides))
    for platform, values in user.items():
        if not isinstance(values, dict):
            raise InputError(f"{overrides}: [{platform}] must be a table of preset values")
        merged = base.get(platform, {}) | values
        base[platform] = merged
    logger.info("presets overridden", extra={"file": str(overrides), "platforms": sorted(user)})
    return _build(base, str(overrides))


PRESETS: dict[str, PlatformPreset] = default_presets()


def preset_for(platform: str, presets: dict[str, PlatformPreset] | None = None) -> PlatformPreset:
    table = PRESETS if presets is None else presets
    try:
        return table[platform]
    except KeyError:
        raise InputError(f"unknown platform {platform!r}; choose from: {', '.join(table)}") from None
