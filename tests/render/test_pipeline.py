"""The render pipeline called directly (no job machinery): stages, the clip cache by render key
(stored the moment a shot is done, keyed by the weights' revision), and after-produce steps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from botkit.bot import Bot
from botkit.domain import Clip, ProgressFn, ShotRequest
from botkit.errors import BotkitError, EngineError
from botkit.provenance import GENERATED
from botkit.render import Engines, Reporter, Staged, render_plan
from botkit.render.clips import ClipCache, load_clip, save_clip
from botkit.store import models
from botkit.testing.credentials import assert_job_verifies


class CountingEngine:
    """The tiny engine, counting renders; optionally failing on one prompt, or under other weights."""

    def __init__(self, engine, *, fail_on: str | None = None, revision: str | None = None) -> None:
        self.inner, self.fail_on = engine, fail_on
        self.name, self.native_fps, self.native_size = engine.name, engine.native_fps, engine.native_size
        self.capabilities = engine.capabilities
        self.revision = revision or engine.revision
        self.rendered: list[str] = []

    def generate(self, request: ShotRequest, on_progress: ProgressFn | None = None) -> Clip:
        if self.fail_on and self.fail_on in request.prompt:
            raise EngineError("the GPU fell over")
        self.rendered.append(request.prompt)
        return self.inner.generate(request, on_progress)


@pytest.fixture
def planned(bot: Bot):
    turn = bot.plan("a 3 second promo for our lamp in 3 shots", platforms=["x"])
    return bot, turn


def clip_rows(bot: Bot) -> int:
    with bot.repo.sessions() as session:
        return session.scalar(select(func.count()).select_from(models.Asset).where(models.Asset.kind == "clip"))


def run(bot: Bot, turn, engine, job_id: str = "0" * 32, **kwargs):
    with bot.repo.sessions.begin() as session:  # a job row for the clip rows to point at
        if session.get(models.RenderJob, job_id) is None:
            session.add(
                models.RenderJob(
                    id=job_id, conversation_id=turn.conversation_id, plan_id=turn.plan_id, engine=engine.name
                )
            )
    return render_plan(
        turn.plan,
        bot.context.render,
        Engines(engine),
        conversation_id=turn.conversation_id,
        job_id=job_id,
        **kwargs,
    )


def test_render_plan_stages_and_what_it_returns(planned, tiny_engine) -> None:
    bot, turn = planned
    seen = []
    rendered = run(bot, turn, tiny_engine, reporter=Reporter(seen.append))
    kinds = sorted(asset.kind for asset in rendered.assets)
    assert kinds == ["contact_sheet", "poster", "preview", "upload_metadata", "video"]  # clips: recorded already
    assert all(bot.assets.path(path).is_file() for path in rendered.moved)
    folder = bot.assets.path(rendered.moved[0]).parent
    verified = assert_job_verifies(folder, source_type=GENERATED, model="tiny-wan")
    assert len(verified) == 4  # video, poster, preview, contact sheet
    assert clip_rows(bot) == 3
    assert [s["reused"] for s in rendered.shots] == [False, False, False]
    assert rendered.reply.startswith("Done: 1 video(s) for x.")
    stages = [p.stage for p in seen]
    assert stages.index("post") > max(i for i, s in enumerate(stages) if s == "rendering")
    [video] = [a for a in rendered.assets if a.kind == "video"]
    assert len(video.metrics["shots"]) == 3 and video.metrics["warnings"] == []
    assert not list((bot.assets.root / ".staging").iterdir())


def test_a_failed_render_keeps_finished_shots_and_resumes_from_them(planned, tiny_engine) -> None:
    bot, turn = planned
    third = turn.plan.shots[2].prompt
    failing = CountingEngine(tiny_engine, fail_on=third)
    with pytest.raises(EngineError):
        run(bot, turn, failing)
    assert clip_rows(bot) == 2  # shots 1 and 2 were stored the moment they were rendered
    assert not list((bot.assets.root / "conversations").rglob("*.mp4"))
    assert not list((bot.assets.root / ".staging").iterdir())
    resumed = CountingEngine(tiny_engine)
    rendered = run(bot, turn, resumed)
    assert len(resumed.rendered) == 1 and resumed.rendered[0].startswith(third)  # only the unfinished shot
    assert [s["reused"] for s in rendered.shots] == [True, True, False]


def test_new_weights_never_reuse_old_clips(planned, tiny_engine) -> None:
    bot, turn = planned
    run(bot, turn, tiny_engine)
    retrained = CountingEngine(tiny_engine, revision="tiny-wan@retrained")
    rendered = run(bot, turn, retrained, job_id="1" * 32)
    assert len(retrained.rendered) == 3 and not any(s["reused"] for s in rendered.shots)
    same = CountingEngine(tiny_engine)
    again = run(bot, turn, same, job_id="2" * 32)
    assert same.rendered == [] and all(s["reused"] for s in again.shots)


class Louder:
    """A stand-in for the audio step to come: writes a new file in staging and points the output at it."""

    name = "louder"

    def __call__(self, staged: Staged) -> Staged:
        for output in staged.outputs:
            new = Path(output.path).with_name(f"mixed-{Path(output.path).name}")
            new.write_bytes(Path(output.path).read_bytes())
            output.path = str(new)
        staged.metrics["loudness"] = {"lufs": -14.0}
        return staged


class Escapes:
    name = "escapes"

    def __init__(self, elsewhere: Path) -> None:
        self.elsewhere = elsewhere

    def __call__(self, staged: Staged) -> Staged:
        self.elsewhere.write_bytes(b"x")
        staged.outputs[0].path = str(self.elsewhere)
        return staged


def test_after_produce_steps_run_in_order_inside_staging(planned, tiny_engine, tmp_path: Path) -> None:
    bot, turn = planned
    order: list[str] = []

    class Recorder:
        def __init__(self, name: str) -> None:
            self.name = name

        def __call__(self, staged: Staged) -> Staged:
            order.append(self.name)
            return staged

    context = bot.context.render
    bot.context.render = replace(context, after_produce=[Recorder("first"), Louder(), Recorder("sign last")])
    rendered = run(bot, turn, tiny_engine)
    assert order == ["first", "sign last"]
    [video] = [a for a in rendered.assets if a.kind == "video"]
    assert video.stored.path.endswith("/mixed-video-x.mp4") and video.metrics["loudness"] == {"lufs": -14.0}

    bot.context.render = replace(context, after_produce=[Escapes(tmp_path / "outside.mp4")])
    with pytest.raises(BotkitError, match="'escapes' step returned an output outside its job's folder"):
        run(bot, turn, tiny_engine, job_id="3" * 32)
    assert not (bot.assets.root / f"conversations/{turn.conversation_id}/jobs/{'3' * 32}").exists()


def test_clip_files_round_trip(tmp_path: Path, tiny_engine) -> None:
    clip = tiny_engine.generate(ShotRequest(prompt="a red shoe", num_frames=5, width=32, height=32, fps=16, steps=1))
    save_clip(clip, tmp_path / "c.npz")
    back = load_clip(tmp_path / "c.npz")
    assert (back.frames == clip.frames).all() and back.fps == clip.fps and back.meta == clip.meta
    assert ClipCache.path_of("ab" + "0" * 62) == f"clips/ab/ab{'0' * 62}.npz"
