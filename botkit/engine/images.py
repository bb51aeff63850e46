"""Images in and frames out: loading and fitting conditioning images, converting pipeline output."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from botkit.errors import InputError


def load_image(path: Path) -> Image.Image:
    """An RGB image from disk; a missing or unreadable file is an ``InputError`` naming it."""
    try:
        with Image.open(path) as image:
            image.load()
            return image.convert("RGB")
    except FileNotFoundError:
        raise InputError(f"image {path} does not exist") from None
    except (OSError, Image.DecompressionBombError) as exc:
        raise InputError(f"image {path} cannot be read as an image: {exc}") from exc


_FRAME_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def load_video(path: Path, *, max_frames: int) -> list[Image.Image]:
    """At most ``max_frames`` RGB frames of a video file (decoded by the ffmpeg that imageio-ffmpeg
    ships) or of a folder of numbered images; a missing or unreadable input is an ``InputError``."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _FRAME_SUFFIXES)
        if not files:
            raise InputError(f"video folder {path} has no frames ({', '.join(_FRAME_SUFFIXES)})")
        return [load_image(file) for file in files[:max_frames]]
    if not path.is_file():
        raise InputError(f"video {path} does not exist")
    import imageio_ffmpeg

    frames: list[Image.Image] = []
    try:
        reader = imageio_ffmpeg.read_frames(str(path))
        meta = next(reader)
        width, height = meta["size"]
        for raw in reader:
            frames.append(Image.frombytes("RGB", (width, height), raw))
            if len(frames) >= max_frames:
                break
        reader.close()
    except (OSError, RuntimeError, StopIteration, KeyError) as exc:
        raise InputError(f"video {path} cannot be read as a video: {exc}") from exc
    if not frames:
        raise InputError(f"video {path} has no frames")
    return frames


def fit_image(image: Image.Image, width: int, height: int) -> Image.Image:
    """Scale to cover (width, height) and centre-crop: the model's size, the image's aspect kept."""
    image = image.convert("RGB")
    if image.size == (width, height):
        return image
    scale = max(width / image.width, height / image.height)
    resized = image.resize(
        (max(width, round(image.width * scale)), max(height, round(image.height * scale))), Image.Resampling.LANCZOS
    )
    left, top = (resized.width - width) // 2, (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))


def frames_to_uint8(frames: Any) -> np.ndarray:
    """Pipeline output (np floats in [0, 1], a torch tensor, or PIL images) -> uint8 [F, H, W, 3]."""
    if isinstance(frames, Sequence) and frames and isinstance(frames[0], Image.Image):
        return np.stack([np.asarray(frame.convert("RGB")) for frame in frames])
    torch = sys.modules.get("torch")  # a tensor exists only once torch is loaded: do not import it (~1.5 s) here
    if torch is not None and isinstance(frames, torch.Tensor):
        frames = frames.float().cpu().numpy()
    array = np.asarray(frames)
    if array.dtype == np.uint8:
        return array
    return (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)
