"""A demo product photo drawn in code: a water bottle on a seamless studio backdrop, with a soft
shadow, cylindrical shading, a specular highlight and a wrapped label. Deterministic (same pixels
on every machine), so the demo and the tests need no downloaded image."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from botkit.post.captions import load_font

DEMO_PHOTO_NAME = "demo-water-bottle.png"
SUPERSAMPLE = 2
_BODY = np.array([18, 128, 140], np.float32)  # teal bottle
_CAP = np.array([34, 38, 44], np.float32)
_LABEL = np.array([244, 236, 220], np.float32)
_INK = np.array([16, 74, 82], np.float32)
_LIGHT = np.array([-0.55, -0.35, 0.76], np.float32)


def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _half_width(y: np.ndarray, s: float) -> np.ndarray:
    """The bottle's silhouette: half-width (px) per row ``y`` for a canvas of scale ``s`` (1024 = 1)."""
    body, neck, cap = 122 * s, 52 * s, 62 * s
    shoulder = body + (neck - body) * _smoothstep(330 * s, 235 * s, y)
    width = np.where(y >= 330 * s, body, shoulder)
    width = np.where((y < 235 * s) & (y >= 200 * s), neck, width)
    width = np.where((y < 200 * s) & (y >= 118 * s), cap, width)
    # rounded foot and cap top: shrink the width near the ends like a quarter circle
    foot = 34 * s
    bottom = 868 * s
    near_foot = np.clip((y - (bottom - foot)) / foot, 0, 1)
    width = np.where(y > bottom - foot, width - foot * (1 - np.sqrt(np.clip(1 - near_foot**2, 0, 1))), width)
    top = 118 * s
    corner = 10 * s
    near_top = np.clip(((top + corner) - y) / corner, 0, 1)
    width = np.where(
        (y < top + corner) & (y >= top), width - corner * (1 - np.sqrt(np.clip(1 - near_top**2, 0, 1))), width
    )
    return np.where((y >= top) & (y <= bottom), np.maximum(width, 0), 0.0)


def _label_texture(width: int, height: int, s: float) -> np.ndarray:
    """The flat label (before wrapping round the bottle): brand name, a rule, the volume."""
    image = Image.new("RGB", (width, height), tuple(int(c) for c in _LABEL))
    draw = ImageDraw.Draw(image)
    big, small = load_font(round(64 * s)), load_font(round(22 * s))
    ink = tuple(int(c) for c in _INK)
    for text, font, y in (("LUMO", big, 0.34), ("TRAIL · 750 ml", small, 0.74)):
        box = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (box[2] - box[0])) / 2 - box[0], height * y - (box[3] - box[1]) / 2 - box[1]), text,
                  font=font, fill=ink)  # fmt: skip
    draw.rectangle((width * 0.38, height * 0.6, width * 0.62, height * 0.6 + 3 * s), fill=(232, 112, 58))
    return np.asarray(image, np.float32)


def _render(size: int) -> np.ndarray:
    s = size / 1024
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    # seamless backdrop: warm wall fading into a lighter floor, a soft spot of light behind the product
    horizon = 700 * s
    wall = np.array([236, 196, 170], np.float32) * (1 - 0.18 * (y / size))[..., None]
    floor = (
        np.array([246, 222, 204], np.float32) * (1 - 0.10 * ((y - horizon) / (size - horizon)).clip(0, 1))[..., None]
    )
    blend = _smoothstep(horizon - 90 * s, horizon + 90 * s, y)[..., None]
    backdrop = wall * (1 - blend) + floor * blend
    spot = np.exp(-(((x - 560 * s) / (420 * s)) ** 2 + ((y - 430 * s) / (380 * s)) ** 2))[..., None]
    backdrop = backdrop * (0.86 + 0.2 * spot)
    # shadows: a tight contact shadow and a long soft one cast away from the light (down-right)
    shadow = np.zeros((size, size), np.float32)
    cv2.ellipse(shadow, (round(512 * s), round(866 * s)), (round(128 * s), round(20 * s)), 0, 0, 360, 1.0, -1)
    contact = cv2.GaussianBlur(shadow, (0, 0), 10 * s)
    cast = np.zeros_like(shadow)
    polygon = np.array([[420, 850], [630, 850], [880, 900], [700, 930]], np.float32) * s
    cv2.fillPoly(cast, [polygon.round().astype(np.int32)], 1.0)
    cast_soft = cv2.GaussianBlur(cast, (0, 0), 22 * s)
    darkness = np.clip(0.55 * contact + 0.28 * cast_soft, 0, 0.7)[..., None]
    picture = backdrop * (1 - darkness)
    # the bottle: a cylinder lit from the upper left
    cx = 512 * s
    half = _half_width(y[:, :1], s)  # [H, 1]
    inside = np.abs(x - cx) < half
    u = np.where(half > 0, (x - cx) / np.maximum(half, 1e-3), 0).clip(-1, 1)
    normal = np.stack([u, np.zeros_like(u), np.sqrt(1 - u**2)], axis=-1)
    light = _LIGHT / np.linalg.norm(_LIGHT)
    diffuse = np.clip(normal @ light, 0, 1)[..., None]
    # Blinn-Phong in the horizontal plane: a vertical highlight stripe, as on a glossy bottle
    halfway = np.array([light[0], 0.0, light[2] + 1.0], np.float32)
    specular = np.clip(normal @ (halfway / np.linalg.norm(halfway)), 0, 1) ** 80
    rim = _smoothstep(0.78, 0.97, u) * 0.35
    colour = np.broadcast_to(_BODY, picture.shape).copy()
    cap = (y < 200 * s)[..., None]
    colour = np.where(cap, _CAP, colour)
    # the label, wrapped: the texture's column follows the arc length round the cylinder
    top, bottom = round(455 * s), round(690 * s)
    label_w = round(2 * 122 * s * np.pi / 2)
    texture = _label_texture(label_w, bottom - top, s)
    rows = slice(top, bottom)
    column = ((np.arcsin(u[rows]) / np.pi + 0.5) * (label_w - 1)).round().astype(int).clip(0, label_w - 1)
    colour[rows] = np.where(inside[rows][..., None], texture[np.arange(bottom - top)[:, None], column], colour[rows])
    ridges = np.where(cap, (0.92 + 0.08 * np.cos(u * 40))[..., None], 1.0)  # the cap's grip
    shaded = colour * (0.32 + 0.72 * diffuse) * ridges + 255 * (0.6 * specular[..., None] + rim[..., None])
    alpha = inside[..., None].astype(np.float32)
    picture = picture * (1 - alpha) + shaded * alpha
    return np.clip(picture, 0, 255)


@lru_cache(maxsize=2)
def demo_photo_array(size: int = 1024) -> np.ndarray:
    """The demo photo, uint8 ``[size, size, 3]`` (drawn at twice the size and area-downsampled)."""
    if not 64 <= size <= 4096:
        raise ValueError(f"size must be 64..4096 px, got {size}")
    big = _render(size * SUPERSAMPLE)
    small = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    result = small.round().clip(0, 255).astype(np.uint8)
    result.flags.writeable = False
    return result


def demo_photo(directory: Path, size: int = 1024) -> Path:
    """Write the demo photo as PNG into ``directory`` (once) and return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (DEMO_PHOTO_NAME if size == 1024 else f"demo-water-bottle-{size}.png")
    if not path.exists():
        partial = path.with_suffix(".partial.png")
        Image.fromarray(demo_photo_array(size)).save(partial)
        partial.replace(path)
    return path
