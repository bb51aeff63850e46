"""Content credentials in the product: the signer is checked when the bot opens, every output of a
job is signed as the last step, the badge follows the site/skill/deployment setting, and an
unsigned output is never delivered silently when signing is required."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from botkit.bot import Bot
from botkit.domain import ShotKind, ShotMode
from botkit.domain.jobs import JobState
from botkit.errors import BotkitError
from botkit.provenance import COMPOSITE, GENERATED, CredentialsError, verify
from botkit.render.signing import SignOutputs, generator_for, has_audio, user_media
from botkit.render.steps import Staged
from botkit.settings import Settings
from botkit.testing.credentials import assert_job_verifies, assert_verifies
from tests.provenance.conftest import flip_mdat_byte, write_self_signed


def job_folder(turn) -> Path:  # type: ignore[no-untyped-def]
    return Path(turn.outputs[0].path).parent


def signing_step(bot: Bot) -> SignOutputs:
    step = bot.context.render.after_produce[-1]
    assert isinstance(step, SignOutputs), "signing must be the last after-produce step"
    return step


def test_a_fresh_machine_gets_a_marked_development_chain(settings: Settings, tiny_engine) -> None:
    assert not (settings.data_dir / "credentials").exists()
    bot = Bot.open(settings, engine=tiny_engine)
    signer = signing_step(bot).signer
    assert signer is not None and signer.status.source == "development chain"
    assert signer.status.certificate.development and (settings.data_dir / "credentials" / "dev-chain.pem").is_file()


def test_a_missing_or_expired_certificate_stops_the_bot_at_start_up(settings: Settings, tiny_engine, tmp_path) -> None:
    missing = settings.model_copy(update={"signing_cert": tmp_path / "nope.pem", "signing_key": tmp_path / "k.pem"})
    with pytest.raises(CredentialsError, match=r"nope\.pem does not exist; run `botkit credentials init`"):
        Bot.open(missing, engine=tiny_engine)
    cert, key = write_self_signed(tmp_path / "old", days_valid=(-30, -1))
    expired = settings.model_copy(update={"signing_cert": cert, "signing_key": key})
    with pytest.raises(CredentialsError, match="expired"):
        Bot.open(expired, engine=tiny_engine)
    off = Bot.open(settings.model_copy(update={"signing": "off", "signing_cert": cert, "signing_key": key}),
                   engine=tiny_engine)  # fmt: skip
    assert signing_step(off).signer is None


def test_every_output_of_a_job_verifies_and_a_flipped_byte_fails(bot: Bot) -> None:
    turn = bot.chat("a 2 second training video: how to fold a shirt, 2 steps", platforms=["x", "tiktok"])
    verified = assert_job_verifies(job_folder(turn), source_type=GENERATED, model="tiny-wan")
    assert len(verified) == 2 * 2 + 2  # a video and a poster per platform, the preview, the contact sheet
    video = next(v for v in verified if v.path.endswith("video-tiktok.mp4"))
    described = [a.description for a in video.actions]
    assert "captions placed" in described and "visible AI badge placed" in described
    assert "reframed to the platform's aspect ratio" in described
    assert "audio added" not in described  # silent today: no sound track
    assert video.generator is not None and video.generator.weights_revision.startswith("tiny-wan@")
    assert video.generator.prompts == []  # never the prompts unless the deployment opts in
    metadata = json.loads(Path(turn.outputs[0].path).with_name("video-x.upload.json").read_text())
    assert metadata["youtube"]["status"]["containsSyntheticMedia"] is True
    assert metadata["tiktok"]["post_info"]["is_aigc"] is True and metadata["botkit"]["content_credentials"] == "c2pa"
    assert metadata["botkit"]["description"].endswith("AI-generated video")
    assert len(bot.repo.assets_of(turn.conversation_id, "upload_metadata", job_id=turn.job_id)) == 2

    tampered = Path(turn.outputs[1].path)
    flip_mdat_byte(tampered)
    result = verify(tampered)
    assert result.state == "invalid" and result.binding == "broken"
    assert result.summary.startswith("TAMPERED")
    with pytest.raises(AssertionError, match="does not verify"):
        assert_verifies(tampered)


def test_prompts_go_into_the_manifest_only_when_opted_in(settings: Settings, tiny_engine) -> None:
    bot = Bot.open(settings.model_copy(update={"provenance_prompts": True}), engine=tiny_engine)
    turn = bot.chat("a 1 second teaser for our lamp", platforms=["x"])
    result = assert_verifies(turn.outputs[0].path)
    assert result.generator is not None and result.generator.prompts == [s.prompt for s in turn.plan.shots]


def test_the_badge_follows_site_then_skill_then_deployment(settings: Settings, tiny_engine) -> None:
    def badge_in(bot: Bot, **plan_args) -> bool:  # type: ignore[no-untyped-def]
        turn = bot.chat("a 1 second teaser for our lamp", platforms=["x"], **plan_args)
        actions = [a.description for a in assert_verifies(turn.outputs[0].path).actions]
        return "visible AI badge placed" in actions

    bot = Bot.open(settings, engine=tiny_engine)
    assert badge_in(bot)  # on by default
    assert not badge_in(bot, ai_badge=False)  # the site's / workspace's choice
    bot.planner.skills.configure("marketing", {"ai_badge": False})
    assert not badge_in(bot) and badge_in(bot, ai_badge=True)
    off = Bot.open(settings.model_copy(update={"ai_badge": False}), engine=tiny_engine)
    assert not badge_in(off)


def test_a_follow_up_keeps_the_sites_badge_choice(bot: Bot) -> None:
    turn = bot.plan("a 1 second teaser for our lamp", platforms=["x"], ai_badge=False)
    again = bot.follow_up(turn.conversation_id, "now one for our kettle")
    assert again.plan.ai_badge is False


def test_required_signing_fails_the_job_and_delivers_nothing_unsigned(bot: Bot) -> None:
    step = signing_step(bot)
    assert step.signer is not None
    tiny = replace(step.signer, config=step.signer.config.model_copy(update={"max_bytes": 1000}))
    bot.context.render.after_produce[-1] = replace(step, signer=tiny)
    turn = bot.plan("a 1 second teaser for our lamp", platforms=["x"])
    with pytest.raises(BotkitError, match="signing is required: no output of this job was signed or replaced"):
        bot.render(turn)
    status = bot.context.jobs.status(turn.job_id)
    assert status.state is JobState.FAILED and "BOTKIT_PROVENANCE_MAX_BYTES" in (status.error or "")
    assert bot.outputs(turn.conversation_id) == []
    assert not list((bot.assets.root / "conversations").rglob("*.mp4"))


def test_best_effort_delivers_unsigned_files_and_says_so(settings: Settings, tiny_engine) -> None:
    bot = Bot.open(settings.model_copy(update={"signing": "best-effort"}), engine=tiny_engine)
    step = signing_step(bot)
    assert step.signer is not None
    tiny = replace(step.signer, config=step.signer.config.model_copy(update={"max_bytes": 1000}))
    bot.context.render.after_produce[-1] = replace(step, signer=tiny)
    turn = bot.chat("a 1 second teaser for our lamp", platforms=["x"])
    assert verify(turn.outputs[0].path).state == "unsigned"
    metadata = json.loads(Path(turn.outputs[0].path).with_name("video-x.upload.json").read_text())
    assert metadata["botkit"]["content_credentials"] is None and "not signed" in metadata["notes"][0]
    [video] = bot.repo.assets_of(turn.conversation_id, "video", job_id=turn.job_id)
    assert video["metrics"]["content_credentials"]["unsigned"]


def test_user_photos_make_the_output_composite_with_them_as_ingredients(bot: Bot, tmp_path: Path) -> None:
    turn = bot.chat("a 1 second teaser for our lamp", platforms=["x"])
    photo = tmp_path / "lamp.png"
    Image.new("RGB", (64, 64), (200, 120, 40)).save(photo)
    shots = [turn.plan.shots[0].model_copy(update={"mode": ShotMode.IMAGE_TO_VIDEO, "image": str(photo)})]
    plan = turn.plan.model_copy(update={"shots": shots})
    staging = tmp_path / "staging"
    staging.mkdir()
    outputs = []
    for output in turn.outputs:
        video = Path(shutil.copy2(output.path, staging / Path(output.path).name))
        poster = Path(shutil.copy2(output.poster, staging / Path(output.poster).name))
        outputs.append(output.model_copy(update={"path": str(video), "poster": str(poster)}))
    staged = Staged(plan, staging, outputs, timeline=None, shots=[{"source": "embedded", "revision": "embedded@ab"},
                                                                  {"source": "wan", "revision": "wan@cd"}])  # type: ignore[arg-type]  # fmt: skip
    staged = signing_step(bot)(staged)
    result = assert_verifies(outputs[0].path, source_type=COMPOSITE, model="embedded + wan")
    assert [i.title for i in result.ingredients] == ["lamp.png"]
    assert any(a.action == "c2pa.placed" and a.description == "user photo placed" for a in result.actions)
    assert staged.metrics["content_credentials"]["digital_source_type"] == COMPOSITE


def test_generator_and_audio_detection() -> None:
    assert generator_for([]).model == "unknown"
    made = generator_for([{"source": "a", "revision": "a@1"}, {"source": "a", "revision": "a@1"}, {"source": "b"}])
    assert (made.model, made.weights_revision) == ("a + b", "a@1")


def test_has_audio_reads_the_sound_handler(tmp_path: Path) -> None:
    silent = tmp_path / "silent.mp4"
    silent.write_bytes(b"\0\0\0\x20moov" + b"\0\0\0\x21hdlr" + b"\0" * 8 + b"vide" + b"\0" * 12)
    sound = tmp_path / "sound.mp4"
    sound.write_bytes(b"\0\0\0\x20moov" + b"\0\0\0\x21hdlr" + b"\0" * 8 + b"soun" + b"\0" * 12)
    assert not has_audio(silent) and has_audio(sound)


def test_stills_and_footage_are_ingredients(bot: Bot, tmp_path: Path) -> None:
    """A still made from the user's photo and a footage shot from their clip are in the manifest."""
    turn = bot.chat("a 1 second teaser for our lamp", platforms=["x"])
    photo = tmp_path / "shelf.png"
    Image.new("RGB", (64, 48), (40, 120, 200)).save(photo)
    clip = tmp_path / "phone.mp4"
    shutil.copy2(turn.outputs[0].path, clip)  # any MP4 stands for the user's clip here
    first = turn.plan.shots[0]
    shots = [
        first.model_copy(update={"kind": ShotKind.STILL, "mode": ShotMode.IMAGE_TO_VIDEO, "image": str(photo)}),
        first.model_copy(update={"index": 1, "kind": ShotKind.FOOTAGE, "footage": str(clip)}),
    ]
    staged = Staged(turn.plan.model_copy(update={"shots": shots}), tmp_path, [], timeline=None)  # type: ignore[arg-type]
    found = user_media(staged, bot.assets)
    assert [(i.title, i.role) for i in found] == [("shelf.png", "photo"), ("phone.mp4", "footage")]


def test_the_badge_marks_videos_with_generated_shots(bot: Bot, tmp_path: Path) -> None:
    from botkit.render.pipeline import wants_badge

    plan = bot.plan("a 1 second teaser for our lamp", platforms=["x"]).plan
    context = bot.context.render.__class__(**{**vars(bot.context.render), "ai_badge": True})
    assert wants_badge(plan, context)  # a generated shot: marked by default
    photo = tmp_path / "shelf.png"
    Image.new("RGB", (64, 48), (40, 120, 200)).save(photo)
    stills = [
        plan.shots[0].model_copy(update={"kind": ShotKind.STILL, "mode": ShotMode.IMAGE_TO_VIDEO, "image": str(photo)})
    ]
    only_photos = plan.model_copy(update={"shots": stills})
    assert not wants_badge(only_photos, context, generated=False)  # only the user's own photo: not by default
    assert wants_badge(only_photos.model_copy(update={"ai_badge": True}), context, generated=False)  # asked for
