"""The chain through ``Bot``: plan -> rows; render -> files and rows; bad input leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from botkit.bot import Bot
from botkit.errors import InputError, PlanLimitError
from botkit.post.probe import probe
from botkit.settings import Settings
from botkit.store import models
from botkit.testing.credentials import assert_job_verifies
from tests.test_uploads import png_header_only


def count_rows(bot: Bot) -> dict[str, int]:
    with bot.repo.sessions() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in (
                models.Conversation,
                models.Message,
                models.ShotPlanRow,
                models.ShotRow,
                models.RenderJob,
                models.Asset,
            )
        }


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_chain_on_each_database(database_url: str, tmp_path: Path, tiny_engine) -> None:
    bot = Bot.open(Settings(data_dir=tmp_path / "data", database_url=database_url), engine=tiny_engine)
    events = []
    turn = bot.chat("a 2 second vertical teaser for our trail shoes, 2 shots", on_progress=events.append)
    assert [o.platform for o in turn.outputs] == ["tiktok"]
    output = turn.outputs[0]
    info = probe(Path(output.path))
    assert (info.width, info.height, info.frames) == (1080, 1920, 60)
    assert Path(output.poster).is_file()
    assert {e.stage for e in events} >= {"rendering", "post", "done"}
    assert any(e.stage == "rendering" and e.steps == 2 and e.step == 2 for e in events)
    rows = count_rows(bot)
    assert rows["conversations"] == 1 and rows["shot_plans"] == 1 and rows["shots"] == 2
    # 2 clips (re-used by render key), video, poster, preview, contact sheet, upload metadata JSON
    assert rows["assets"] == 7
    assert_job_verifies(Path(output.path).parent, model="tiny-wan")
    with bot.repo.sessions() as session:
        job = session.scalars(select(models.RenderJob)).one()
        video = session.scalars(select(models.Asset).where(models.Asset.kind == "video")).one()
    assert job.state == "succeeded" and job.attempts == 1 and job.finished_at is not None
    assert video.checksum and video.bytes == Path(output.path).stat().st_size
    assert len(video.metrics["shots"]) == 2 and all(len(s["render_key"]) == 64 for s in video.metrics["shots"])
    assert bot.repo.outputs(turn.conversation_id)[0].platform == "tiktok"
    assert not files_under(bot.assets.root / ".staging")
    bot.db.dispose()


def test_image_to_video_on_a_text_only_engine_becomes_a_still(bot: Bot, tmp_path: Path) -> None:
    # issue 17: no image model here, so the panel is animated as a still (not refused, not squashed)
    panel = tmp_path / "panel.png"
    Image.new("RGB", (64, 64), (200, 10, 10)).save(panel)
    turn = bot.plan("animate this storyboard panel", images=[panel])
    assert turn.plan.shots[0].image and any("shown as a still" in note for note in turn.plan.notes)
    assert bot.check_plan(turn.plan)[0] == "still"


@pytest.mark.parametrize(
    ("text", "image", "error", "message"),
    [
        ("", None, InputError, "empty"),
        ("y" * 50_000, None, InputError, "at most 2,000"),
        ("a 2 hour film about our brand", None, PlanLimitError, "at most 60 s"),
        ("an ad for our shoes", "corrupt", InputError, "not a readable image"),
        ("an ad for our shoes", "bomb", InputError, "at most 40 MP"),
    ],
)
def test_bad_input_writes_nothing(bot: Bot, tmp_path: Path, text: str, image: str | None, error, message) -> None:
    images = []
    if image == "corrupt":
        images = [tmp_path / "x.png"]
        images[0].write_bytes(b"\x89PNG garbage")
    elif image == "bomb":
        images = [png_header_only(tmp_path / "bomb.png", 60_000, 60_000)]
    good = tmp_path / "good.png"
    Image.new("RGB", (64, 64)).save(good)
    with pytest.raises(error, match=message):
        bot.chat(text, images=[good, *images])
    assert set(count_rows(bot).values()) == {0}
    assert files_under(bot.assets.root) == []


def test_unknown_platform_writes_nothing(bot: Bot) -> None:
    with pytest.raises(InputError, match="unknown platform 'myspace'; choose from: tiktok"):
        bot.chat("an ad", platforms=["myspace"])
    assert set(count_rows(bot).values()) == {0}
