"""Requests that name library items: resolved against the tenant's items, or listed as missing."""

from __future__ import annotations

from botkit.agent.library import library_listing, pick_library, without_phrases
from botkit.domain.library import LibraryItem


def item(kind: str, name: str, collection: str | None = None, tags: list[str] | None = None) -> LibraryItem:
    return LibraryItem(id=f"id-{name}", tenant="local", kind=kind, name=name, collection=collection,  # type: ignore[arg-type]
                       tags=tags or [], path=f"library/local/{name}", mime="image/png", bytes=1, checksum=name)  # fmt: skip


ITEMS = [
    item("logo", "acme logo"),
    item("photo", "red bottle", "spring lookbook"),
    item("photo", "blue bottle", "spring lookbook"),
    item("photo", "winter coat", "winter sale"),
    item("footage", "launch party", tags=["launch"]),
    item("footage", "factory tour"),
    item("music", "brand jingle"),
    item("font", "Brand Sans"),
    item("panel", "panel one", "storyboard"),
]


def names(items: list[LibraryItem]) -> list[str]:
    return [i.name for i in items]


def test_a_collection_of_photos_the_logo_and_the_music() -> None:
    picks = pick_library("a promo using our spring lookbook photos, with our logo and our music", ITEMS)
    assert names(picks.media) == ["red bottle", "blue bottle"]
    assert picks.logo is not None and picks.logo.name == "acme logo"
    assert picks.music is not None and picks.music.name == "brand jingle"
    assert picks.missing == []


def test_footage_of_a_named_event_and_a_single_photo() -> None:
    picks = pick_library("open on the footage of the launch, then our red bottle photo", ITEMS)
    assert names(picks.media) == ["launch party", "red bottle"]


def test_a_name_that_matches_nothing_is_reported_not_dropped() -> None:
    picks = pick_library("use our autumn photos and the footage of the opening", ITEMS)
    assert picks.missing == ["our autumn photos", "the footage of the opening"]
    assert picks.media == []
    listing = library_listing(ITEMS)
    assert "photo \"red bottle\" in 'spring lookbook'" in listing and "footage" in listing


def test_my_photo_means_the_upload_when_one_was_sent() -> None:
    assert pick_library("use my photo for shot 2", ITEMS, uploaded={"image"}).empty
    # without an upload, "my" means the library only when its words name an item
    assert names(pick_library("with my winter coat photo", ITEMS).media) == ["winter coat"]
    assert pick_library("a video about my cat photos", ITEMS).empty
    assert pick_library("a video of my new sneakers", ITEMS).empty


def test_requests_without_library_words_pick_nothing() -> None:
    for text in ("a 10 second TikTok teaser for our new trail shoes", "our brand story in 3 shots", "make it vertical"):
        assert pick_library(text, ITEMS).empty, text


def test_the_phrases_are_kept_out_of_the_subject() -> None:
    text = "a promo for our water bottle, use our spring lookbook photos, with our logo"
    picks = pick_library(text, ITEMS)
    assert without_phrases(text, picks.phrases) == "a promo for our water bottle"


def test_an_empty_library_says_how_to_fill_it() -> None:
    assert pick_library("with our acme logo", []).missing == ["our acme logo"]
    assert "library is empty" in library_listing([])
    # no name and nothing of the kind kept: the deployment's brand kit (a logo in its config) decides
    assert pick_library("end on our logo", []).empty and pick_library("with our music", []).empty


def test_words_that_mean_the_video_being_made_take_nothing() -> None:
    for text in (
        "make our video vertical",
        "our new video for TikTok",
        "add a track to our video",
        "our product video",
    ):
        assert pick_library(text, ITEMS).empty, text
    assert names(pick_library("cut our launch video into a teaser", ITEMS).media) == ["launch party"]


def test_a_name_stops_at_the_next_phrase() -> None:
    picks = pick_library("a promo for our bottle with our music", ITEMS)
    assert picks.missing == [] and picks.music is not None and picks.music.name == "brand jingle"
