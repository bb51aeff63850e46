"""Requests that name a tenant's library items, planned and rendered by a real bot: photos and
clips placed as shots, the logo on the end card, the kit's colours, font and music; a name that
matches nothing refused with what the library holds; another tenant's items never used."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from botkit.errors import InputError
from botkit.render.sound import SoundChoice
from botkit.settings import Settings
from botkit.store.assets import sha256_of
from botkit.store.models import Conversation
from tests.library.conftest import Files

SITE, OTHER = "site:pk_shop", "site:pk_other"
PROMO = "a 12 second promo for our water bottle, use our spring lookbook photos, with our logo, shop now"


@pytest.fixture
def stocked(bot, files: Files):  # type: ignore[no-untyped-def]
    library = bot.library
    photos = [
        library.add(SITE, files.photo(f"bottle-{i}.jpg", colour), collection="spring lookbook").item
        for i, colour in enumerate([(200, 40, 40), (40, 160, 70), (40, 70, 200)], start=1)
    ]
    logo = library.add(SITE, files.logo(), name="acme").item
    library.set_kit(SITE, {"brand_name": "Acme", "colours": "#0F172A,#F59E0B", "logo": "acme"})
    return photos, logo


def conversations(bot) -> int:  # type: ignore[no-untyped-def]
    with bot.repo.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Conversation)) or 0)


def test_library_photos_and_logo_are_placed_with_the_brand_kit(bot, stocked) -> None:
    photos, logo = stocked
    turn = bot.plan(PROMO, channel="web", tenant=SITE)
    plan = turn.plan
    assert [shot.image for shot in plan.shots] == [photo.path for photo in photos]
    assert plan.end_card is not None and plan.end_card.logo == logo.path and plan.end_card.name == "Acme"
    assert (plan.end_card.background, plan.end_card.accent) == ("#0F172A", "#F59E0B")
    assert "spring lookbook" not in plan.shots[0].prompt and "logo" not in plan.shots[0].prompt


def test_a_name_that_matches_nothing_is_refused_with_the_listing(bot, stocked) -> None:
    before = conversations(bot)
    with pytest.raises(InputError) as refused:
        bot.plan("a promo with our winter sale photos", channel="web", tenant=SITE)
    message = str(refused.value)
    assert 'nothing in your media library matches "our winter sale photos"' in message
    assert "photo \"bottle-1\" in 'spring lookbook'" in message and 'logo "acme"' in message
    assert conversations(bot) == before  # nothing stored


def test_another_tenants_library_is_never_used(bot, stocked) -> None:
    with pytest.raises(InputError, match="library is empty"):
        bot.plan(PROMO, channel="web", tenant=OTHER)
    plan = bot.plan("a 12 second promo for our water bottle, shop now", channel="web", tenant=OTHER).plan
    assert all(shot.image is None for shot in plan.shots)
    assert plan.end_card is None or (plan.end_card.logo is None and plan.end_card.name != "Acme")


def test_the_kit_font_and_a_follow_up_keep_the_library_paths(bot, stocked, files: Files) -> None:
    font = bot.library.add(SITE, files.font(), name="brand sans").item
    bot.library.set_kit(SITE, {"font": "brand sans"})
    turn = bot.plan(PROMO, channel="web", tenant=SITE)
    assert turn.plan.font == font.path
    again = bot.follow_up(turn.conversation_id, "make it 9 seconds", tenant=SITE)
    assert again.plan.font == font.path and again.plan.shots[0].image == turn.plan.shots[0].image


@pytest.fixture
def sound_bot(tmp_path: Path, tiny_engine):  # type: ignore[no-untyped-def]
    from botkit.bot import Bot

    return Bot.open(Settings(data_dir=tmp_path / "data", engine="tiny-wan", narration=True), engine=tiny_engine)


def test_music_files_live_in_the_asset_store(sound_bot, files: Files) -> None:
    # --music PATH: copied into the store (a worker on another machine reads the same bytes)
    wav = files.music("own.wav")
    plan = sound_bot.plan(PROMO.split(",")[0], channel="cli", sound=SoundChoice(music=str(wav))).plan
    assert plan.music == f"music/{sha256_of(wav)}.wav"
    assert sha256_of(sound_bot.assets.path(plan.music)) == sha256_of(wav)
    # the kit's music (a library item) and "our music" in the request
    jingle = sound_bot.library.add(SITE, files.music("jingle.wav", 2.0), name="jingle").item
    sound_bot.library.set_kit(SITE, {"music": "jingle"})
    assert sound_bot.plan("a promo for our bottle", channel="web", tenant=SITE).plan.music == jingle.path
    sound_bot.library.set_kit(SITE, {"music": "calm"})
    assert sound_bot.plan("a promo for our bottle", channel="web", tenant=SITE).plan.music == "calm"
    assert sound_bot.plan("a promo for our bottle with our music", channel="web", tenant=SITE).plan.music == jingle.path
    # the channel's own choice wins over the kit
    chosen = sound_bot.plan("a promo for our bottle", channel="web", tenant=SITE, sound=SoundChoice(music="focus"))
    assert chosen.plan.music == "focus"


def test_our_logo_without_an_end_card_makes_one_in_the_kit_colours(bot, stocked) -> None:
    _photos, logo = stocked
    plan = bot.plan("a 6 second tiktok about our trail shoes with our logo", channel="web", tenant=SITE).plan
    assert plan.end_card is not None and plan.end_card.logo == logo.path
    assert (plan.end_card.name, plan.end_card.background, plan.end_card.accent) == ("Acme", "#0F172A", "#F59E0B")


def test_library_footage_is_a_footage_shot_capped_at_its_length(bot, files: Files) -> None:
    clip = bot.library.add(SITE, files.footage(), name="launch party", tags=["launch"]).item
    plan = bot.plan("a 9 second promo, open with the footage of the launch", channel="web", tenant=SITE).plan
    first = plan.shots[0]
    assert first.kind.value == "footage" and first.footage == clip.path
    assert first.duration_s <= (clip.duration_s or 0) + 0.01
