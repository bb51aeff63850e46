"""Images in and frames out: loading and fitting conditioning images, converting pipeline output."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
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
    if isinstance(frames, torch.Tensor):
        frames = frames.float().cpu().numpy()
    array = np.asarray(frames)
    if array.dtype == np.uint8:
        return array
    return (np.clip(array, 0.0, 1.0) * 255).round().astype(np.uint8)
