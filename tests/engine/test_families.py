"""Every model family on a real diffusers pipeline with tiny random weights, through the registry.

Per family: the exported engine contract (``botkit.testing.engines``), snapping reported in meta,
argument mapping (the pipeline runs), seeds, progress on every step, and cancel by raising from the
progress callback with nothing decoded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from botkit.domain import ShotRequest
from botkit.engine import Engine, load_engine
from botkit.engine.conditioning import Conditioning
from botkit.engine.families.common import prompt_with_camera
from botkit.engine.longvideo import LongVideoEngine
from botkit.engine.pipeline import PipelineEngine
from botkit.engine.registry import Registry
from botkit.errors import Cancelled, InputError
from botkit.testing.engines import check_engine

# name -> the task a default request uses
FAMILIES = {
    "tiny-wan": "t2v",
    "tiny-wan-i2v": "i2v",
    "tiny-wan-flf2v": "i2v",
    "tiny-wan22-a14b": "i2v",
    "tiny-wan22-ti2v": "t2v",
    "tiny-ltx": "t2v",
    "tiny-cogvideox": "t2v",
    "tiny-cogvideox-i2v": "i2v",
    "tiny-skyreels-df": "t2v",
    "tiny-hunyuan15": "t2v",
    "tiny-hunyuan15-i2v": "i2v",
    "tiny-sana-video": "t2v",
    "tiny-svd": "i2v",
    "tiny-animatediff": "t2v",
}
SLOW = {"tiny-svd", "tiny-animatediff"}
NAMES = [pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name for name in FAMILIES]
_ENGINES: dict[str, Engine] = {}


def loaded(name: str) -> Engine:
    """The engine the factory builds for ``name`` (a LongVideoEngine where calls are chained)."""
    if name not in _ENGINES:
        _ENGINES[name] = load_engine(name)
    return _ENGINES[name]


def engine_named(name: str) -> PipelineEngine:
    """The single-call pipeline engine of ``name`` (inside its LongVideoEngine, if any)."""
    engine = loaded(name)
    if isinstance(engine, LongVideoEngine):
        engine = engine.chunks  # type: ignore[assignment]
    assert isinstance(engine, PipelineEngine)
    return engine


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A smooth RGBA image of the wrong size: engines must convert and fit it."""
    path = tmp_path_factory.mktemp("images") / "panel.png"
    y, x = np.mgrid[0:24, 0:40]
    pixels = np.stack([x * 6, y * 10, (x + y) * 4, np.full_like(x, 255)], axis=-1).astype(np.uint8)
    Image.fromarray(pixels, "RGBA").save(path)
    return path


def request_for(name: str, panel: Path, **kwargs: object) -> ShotRequest:
    task = FAMILIES[name]
    values: dict[str, object] = {
        "task": task,
        "prompt": "a red shoe moving left",
        "num_frames": 7,
        "width": 30,
        "height": 34,
        "fps": 16,
        "steps": 2,
        "seed": 3,
    }
    if task == "i2v":
        values["image"] = panel
    if name == "tiny-wan-flf2v":
        values["last_image"] = panel
    return ShotRequest(**(values | kwargs))


@pytest.mark.parametrize("name", NAMES)
def test_family_keeps_the_engine_contract(name: str, image: Path) -> None:
    engine = loaded(name)
    check_engine(engine, image)
    assert engine.capabilities == Registry.default().capabilities(name)  # what plan-time checks read
    assert engine.capabilities.quality_checks is False  # random weights: noise, nothing to check


@pytest.mark.parametrize("name", NAMES)
def test_family_renders_snapped_seeded_frames(name: str, image: Path) -> None:
    engine = engine_named(name)
    assert isinstance(engine, Engine)
    clip = engine.generate(request_for(name, image))
    meta = clip.meta
    rule, multiple = engine.entry.frame_rule, engine.entry.size_multiple
    assert meta["num_frames"] == rule.snap(7, engine.entry.max_frames) and meta["requested_frames"] == 7
    assert meta["width"] % multiple == 0 and meta["height"] % multiple == 0 and meta["snapped"] is True
    assert clip.frames.shape == (meta["num_frames"], meta["height"], meta["width"], 3)
    assert meta["model"] == name and meta["task"] == FAMILIES[name] and meta["seed"] == 3
    if FAMILIES[name] == "i2v":  # the 40x24 RGBA panel was converted and fitted, and that is reported
        assert meta["image_fitted"].startswith(f"40x24 -> {meta['width']}x{meta['height']}")
    assert np.array_equal(clip.frames, engine.generate(request_for(name, image)).frames)
    assert not np.array_equal(clip.frames, engine.generate(request_for(name, image, seed=4)).frames)


@pytest.mark.parametrize("name", NAMES)
def test_family_progress_and_cancel_before_decoding(name: str, image: Path) -> None:
    engine = engine_named(name)
    seen: list[tuple[int, int]] = []
    engine.generate(request_for(name, image, steps=3), on_progress=lambda s, t: seen.append((s, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]

    decoded: list[int] = []
    handle = engine.pipe.vae.decoder.register_forward_pre_hook(lambda *_: decoded.append(1))

    def cancel(step: int, total: int) -> None:
        raise Cancelled("cancelled by user")

    try:
        with pytest.raises(Cancelled):
            engine.generate(request_for(name, image, steps=3), on_progress=cancel)
        assert decoded == []
        engine.generate(request_for(name, image, steps=1))
        assert decoded, "the hook sees decoding when a render is not cancelled"
    finally:
        handle.remove()


def test_wan_first_and_last_frame(image: Path, tmp_path: Path) -> None:
    engine = engine_named("tiny-wan-flf2v")
    last = tmp_path / "last.png"
    Image.new("RGB", (32, 32), (200, 20, 20)).save(last)
    same = engine.generate(request_for("tiny-wan-flf2v", image)).frames
    other = engine.generate(request_for("tiny-wan-flf2v", image, last_image=last)).frames
    assert other.shape == same.shape and not np.array_equal(other, same)
    with pytest.raises(InputError, match="needs a last image"):
        engine.generate(request_for("tiny-wan-flf2v", image, last_image=None))
    with pytest.raises(InputError, match="cannot take a last image"):
        engine_named("tiny-wan-i2v").generate(request_for("tiny-wan-i2v", image, last_image=last))
    two_experts = engine_named("tiny-wan22-a14b")  # Wan 2.2 I2V: the last frame goes into the condition video
    with_last = two_experts.generate(request_for("tiny-wan22-a14b", image, last_image=last))
    assert with_last.num_frames == 9


def test_wan22_two_experts_both_denoise(image: Path) -> None:
    engine = engine_named("tiny-wan22-a14b")
    calls = {"transformer": 0, "transformer_2": 0}
    hooks = [
        getattr(engine.pipe, key).register_forward_pre_hook(lambda *_, k=key: calls.__setitem__(k, calls[k] + 1))
        for key in calls
    ]
    try:
        engine.generate(request_for("tiny-wan22-a14b", image, steps=4))
    finally:
        for hook in hooks:
            hook.remove()
    assert calls["transformer"] > 0 and calls["transformer_2"] > 0


def test_ti2v_does_both_tasks_from_one_model(image: Path) -> None:
    engine = engine_named("tiny-wan22-ti2v")
    assert engine.tasks == ["t2v", "i2v"] and engine.capabilities.tasks == {"t2v", "i2v"}
    clip = engine.generate(request_for("tiny-wan22-ti2v", image, task="i2v", image=image))
    assert clip.meta["pipeline"] == "WanImageToVideoPipeline" and clip.meta["width"] == 32


def test_ltx_image_and_multi_frame_condition(image: Path) -> None:
    engine = engine_named("tiny-ltx")
    i2v = engine.generate(request_for("tiny-ltx", image, task="i2v", image=image))
    assert i2v.meta["pipeline"] == "LTXImageToVideoPipeline"
    frames = np.stack([np.full((32, 32, 3), 40 * k, np.uint8) for k in range(3)])
    condition = engine.render(request_for("tiny-ltx", image), Conditioning.from_frames(frames))
    assert condition.meta["pipeline"] == "LTXConditionPipeline" and condition.num_frames == 9


def test_cogvideox_fixed_frame_count_is_reported() -> None:
    clip = engine_named("tiny-cogvideox").generate(request_for("tiny-cogvideox", Path(), num_frames=30))
    assert clip.num_frames == 9 and clip.meta["requested_frames"] == 30 and clip.meta["snapped"] is True


def test_hunyuan_guidance_goes_to_its_guider() -> None:
    engine = engine_named("tiny-hunyuan15")
    engine.generate(request_for("tiny-hunyuan15", Path(), guidance=2.5, steps=1))
    assert engine.pipe.guider.guidance_scale == 2.5


def test_skyreels_diffusion_forcing_long_video_natively() -> None:
    clip = engine_named("tiny-skyreels-df").generate(request_for("tiny-skyreels-df", Path(), num_frames=33))
    assert clip.num_frames == 33 and clip.meta["num_frames"] == 33


def test_bad_input_is_refused_clearly(image: Path, tmp_path: Path) -> None:
    t2v, i2v = engine_named("tiny-wan"), engine_named("tiny-wan-i2v")
    with pytest.raises(InputError, match="text-to-video only"):
        t2v.generate(request_for("tiny-wan", image, task="i2v", image=image))
    with pytest.raises(InputError, match="image-to-video only"):
        i2v.generate(request_for("tiny-wan-i2v", image, task="t2v", image=None))
    with pytest.raises(InputError, match="needs an image"):
        i2v.generate(request_for("tiny-wan-i2v", image, image=None))
    with pytest.raises(InputError, match="does not exist"):
        i2v.generate(request_for("tiny-wan-i2v", image, image=tmp_path / "missing.png"))
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(InputError, match="cannot be read as an image"):
        i2v.generate(request_for("tiny-wan-i2v", image, image=tmp_path / "notes.png"))
    with pytest.raises(InputError, match="larger than this model's limit"):
        t2v.generate(request_for("tiny-wan", image, width=4000))


def test_engines_are_not_shared_between_threads(image: Path) -> None:
    import threading

    engine = engine_named("tiny-wan")
    errors: list[Exception] = []
    started, release = threading.Event(), threading.Event()

    def slow(step: int, total: int) -> None:
        started.set()
        release.wait(5)

    worker = threading.Thread(target=lambda: engine.generate(request_for("tiny-wan", image), on_progress=slow))
    worker.start()
    started.wait(5)
    try:
        engine.generate(request_for("tiny-wan", image))
    except Exception as exc:
        errors.append(exc)
    finally:
        release.set()
        worker.join()
    assert errors and "not thread-safe" in str(errors[0])


def test_num_threads_is_one() -> None:
    assert torch.get_num_threads() == 1


def test_skyreels_image_to_video(image: Path) -> None:
    engine = engine_named("tiny-skyreels-df")
    clip = engine.generate(request_for("tiny-skyreels-df", image, task="i2v", image=image))
    assert clip.meta["pipeline"] == "SkyReelsV2DiffusionForcingImageToVideoPipeline" and clip.num_frames == 9


def test_camera_words_reach_the_prompt() -> None:
    shot = ShotRequest(prompt="a red shoe", camera="slow push in", num_frames=9, width=32, height=32, fps=16)
    assert prompt_with_camera(shot) == "a red shoe, slow push in"
    said = shot.model_copy(update={"prompt": "a red shoe, slow push in on the laces"})
    assert prompt_with_camera(said) == said.prompt
    assert prompt_with_camera(shot.model_copy(update={"camera": "static"})) == "a red shoe"
