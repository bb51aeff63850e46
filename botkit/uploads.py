"""Checks uploaded images before anything is stored: size, real type (sniffed), dimensions,
decompression bombs, corruption. Accepted images are normalised to RGB PNG."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from botkit.errors import InputError

ALLOWED_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    min_side: int = 16


@dataclass(frozen=True)
class CheckedImage:
    source: Path
    format: str
    width: int
    height: int


def check_image(path: Path, limits: ImageLimits) -> CheckedImage:
    """Raise ``InputError`` saying what is wrong with the file and what is allowed."""
    name = path.name
    if not path.is_file():
        raise InputError(f"image {name!r} not found")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"image {name!r} is empty")
    if size > limits.max_bytes:
        raise InputError(
            f"image {name!r} is {size / 2**20:.1f} MiB; at most {limits.max_bytes / 2**20:.0f} MiB is allowed"
        )
    allowed = ", ".join(ALLOWED_FORMATS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                image_format, (width, height) = image.format, image.size
                # header first: refuse bombs before decoding a single pixel
                if image_format not in ALLOWED_FORMATS:
                    raise InputError(f"image {name!r} is {image_format}; allowed types: {allowed}")
                if width * height > limits.max_pixels:
                    raise InputError(
                        f"image {name!r} is {width}x{height} ({width * height / 1e6:.0f} MP); "
                        f"at most {limits.max_pixels / 1e6:.0f} MP is allowed"
                    )
                if min(width, height) < limits.min_side:
                    raise InputError(
                        f"image {name!r} is {width}x{height}; each side must be at least {limits.min_side} px"
                    )
                image.load()
        except InputError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InputError(
                f"image {name!r} has too many pixels to decode safely; at most {limits.max_pixels / 1e6:.0f} MP is allowed"
            ) from None
        except UnidentifiedImageError:
            raise InputError(f"image {name!r} is not a readable image; allowed types: {allowed}") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"image {name!r} is corrupt or truncated: {exc}") from None
    return CheckedImage(source=path, format=image_format, width=width, height=height)


def normalise_image(checked: CheckedImage, target: Path) -> None:
    """Write the image as RGB PNG (alpha flattened on white)."""
    with Image.open(checked.source) as opened:
        image: Image.Image = opened
        if image.mode in ("RGBA", "LA", "P"):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, (255, 255, 255))
            image.paste(rgba, mask=rgba.getchannel("A"))
        image.convert("RGB").save(target, format="PNG")
