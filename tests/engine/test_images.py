"""Pipeline outputs to uint8 frames: numpy, PIL and torch (torch is not imported for it)."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from botkit.engine.images import frames_to_uint8


def test_every_pipeline_output_type_becomes_the_same_uint8_frames() -> None:
    floats = np.linspace(0, 1, 2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3)
    expected = (floats * 255).round().astype(np.uint8)
    assert np.array_equal(frames_to_uint8(floats), expected)
    assert np.array_equal(frames_to_uint8(torch.from_numpy(floats)), expected)
    assert np.array_equal(frames_to_uint8([Image.fromarray(frame) for frame in expected]), expected)
    assert np.array_equal(frames_to_uint8(expected), expected)
