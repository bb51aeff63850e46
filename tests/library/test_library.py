"""The media library on SQLite and PostgreSQL: files checked with the upload probes, stored file
first then row, one row per file per tenant, no tenant ever reaching another's items."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from botkit.errors import InputError
from botkit.library import ItemInUse, Library, tenant_folder
from botkit.store.assets import AssetStore, sha256_of
from botkit.store.db import open_db, session_factory
from botkit.store.library import LibraryRepository
from botkit.store.migrate import upgrade
from botkit.store.models import LibraryItemRow
from tests.library.conftest import Files

SITE_A, SITE_B = "site:pk_a", "site:pk_b"


@pytest.fixture
def library(database_url: str, tmp_path: Path) -> Library:
    db = open_db(database_url)
    upgrade(db)
    return Library(LibraryRepository(session_factory(db)), AssetStore(tmp_path / "assets"))


def stored_files(library: Library) -> list[str]:
    root = library.assets.root
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def rows(library: Library) -> int:
    with library.repo.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LibraryItemRow)) or 0)


def test_every_kind_is_probed_stored_and_listed(library: Library, files: Files) -> None:
    logo = library.add(SITE_A, files.logo()).item
    photo = library.add(SITE_A, files.photo(), collection="spring lookbook").item
    font = library.add(SITE_A, files.font()).item
    music = library.add(SITE_A, files.music()).item
    clip = library.add(SITE_A, files.footage()).item
    assert [i.kind for i in (logo, photo, font, music, clip)] == ["logo", "photo", "font", "music", "footage"]
    assert (logo.width, logo.height, photo.collection) == (300, 120, "spring lookbook")
    assert font.facts["family"] == "DejaVu Sans" and font.facts["style"] == "Bold"
    assert clip.duration_s == pytest.approx(2.0, abs=0.1) and (clip.width, clip.height) == (320, 240)
    assert [i.id for i in library.items(SITE_A)] == [logo.id, photo.id, font.id, music.id, clip.id]
    assert [i.id for i in library.items(SITE_A, kind="photo")] == [photo.id]
    for item in (logo, photo, font, music, clip):
        assert item.path.startswith(tenant_folder(SITE_A) + "/")
        assert library.assets.path(item.path).is_file()
    # a logo keeps its transparency; a photo is stored as the chat stores uploads (RGB PNG)
    from PIL import Image

    with Image.open(library.assets.path(logo.path)) as image:
        assert image.mode == "RGBA" and image.getpixel((290, 5))[3] == 0
    with Image.open(library.assets.path(photo.path)) as image:
        assert (image.format, image.mode) == ("PNG", "RGB")
    assert not list((library.assets.root / ".staging").iterdir())


def test_the_same_file_twice_is_one_item(library: Library, files: Files) -> None:
    first = library.add(SITE_A, files.photo())
    again = library.add(SITE_A, files.photo(), name="another name")
    assert first.created and not again.created and again.item.id == first.item.id
    assert rows(library) == 1 and len(stored_files(library)) == 1
    other = library.add(SITE_B, files.photo())  # another tenant keeps its own copy
    assert other.created and other.item.id != first.item.id and rows(library) == 2


@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        ("not_a_font", None, "is not a TrueType, OpenType or WOFF font"),
        ("truncated_font", None, "could not be read as a font"),
        ("zip_png", None, "not a readable image"),
        ("zip_mp4", None, "is a ZIP archive, not a video"),
        ("bomb", None, "MP"),
        ("photo", "font", "looks like photo, not font"),
        ("music", "footage", "looks like music, not footage"),
        ("photo", "sticker", "is not one of: logo, font, music, photo, footage, panel"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(
    library: Library, files: Files, make: str, kind: str | None, message: str
) -> None:
    path = files.zip_as(f".{make[4:]}") if make.startswith("zip_") else getattr(files, make)()
    with pytest.raises(InputError, match=message):
        library.add(SITE_A, path, kind=kind)
    assert rows(library) == 0
    assert stored_files(library) == []


def test_a_tenant_never_reaches_another_tenants_item(library: Library, files: Files) -> None:
    theirs = library.add(SITE_B, files.photo()).item
    assert library.items(SITE_A) == []
    with pytest.raises(InputError) as seen:
        library.get(SITE_A, theirs.id)
    with pytest.raises(InputError) as missing:
        library.get(SITE_A, "0" * 32)
    # the same answer as for an id that never existed: nothing says the item is there
    assert str(seen.value).replace(theirs.id, "ID") == str(missing.value).replace("0" * 32, "ID")
    with pytest.raises(InputError, match="no library item"):
        library.remove(SITE_A, theirs.id)
    with pytest.raises(InputError, match=r"no logo .* in this library; add one first"):
        library.set_kit(SITE_A, {"logo": theirs.id})
    assert library.get(SITE_B, theirs.id) == theirs and library.assets.path(theirs.path).is_file()


def test_an_item_a_queued_job_uses_is_kept_until_the_job_is_done(library: Library, files: Files) -> None:
    from botkit.domain import ShotPlan
    from botkit.store.jobs import JobRepository
    from botkit.store.repo import Repository

    item = library.add(SITE_A, files.photo()).item
    sessions = library.repo.sessions
    plan = ShotPlan.model_validate({
        "skill": "marketing", "request": "a promo", "title": "Promo", "platforms": ["youtube"],
        "total_duration_s": 2.0,
        "shots": [{"index": 0, "prompt": "a bottle", "duration_s": 2.0, "seed": 1, "mode": "i2v",
                   "image": item.path}],
    })  # fmt: skip
    conversation_id = "c" * 32
    plan_id = Repository(sessions).record_turn(conversation_id=conversation_id, text="a promo", plan=plan,
                                               inputs=[], channel="web")  # fmt: skip
    jobs = JobRepository(sessions)
    job_id, _ = jobs.create(conversation_id, plan_id, "tiny-wan")
    with pytest.raises(ItemInUse, match=job_id):
        library.remove(SITE_A, item.id)
    assert library.get(SITE_A, item.id) == item and library.assets.path(item.path).is_file()
    jobs.request_cancel(job_id)
    assert library.remove(SITE_A, item.id).id == item.id
    assert rows(library) == 0 and stored_files(library) == []


def test_the_brand_kit_names_items_and_reaches_the_skill_configs(library: Library, files: Files) -> None:
    from botkit.skills import load_skills

    logo = library.add(SITE_A, files.logo(), name="acme").item
    kit = library.set_kit(SITE_A, {"brand_name": "Acme", "colours": "#112233, #ffaa00", "logo": "acme",
                                   "music": "calm", "cta": "Shop now"})  # fmt: skip
    assert (kit.logo, kit.colours, kit.music) == (logo.id, ["#112233", "#FFAA00"], "calm")
    assert library.kit(SITE_A) == kit and library.kit(SITE_B).set() == {}
    with pytest.raises(InputError, match=r"no font 'Serif'.*add one first"):
        library.set_kit(SITE_A, {"font": "Serif"})
    with pytest.raises(InputError, match="colours must look like"):
        library.set_kit(SITE_A, {"colours": "red"})
    with pytest.raises(InputError, match="no field 'colour'"):
        library.set_kit(SITE_A, {"colour": "#000000"})
    assert library.kit(SITE_A) == kit  # a refused change changes nothing
    configs = library.skill_configs(SITE_A, load_skills())
    assert configs["marketing"]["brand_name"] == "Acme" and configs["marketing"]["logo"] == logo.path
    assert library.set_kit(SITE_A, {"cta": ""}).cta is None


def test_items_in_a_bucket_are_read_by_a_worker_on_another_machine(tmp_path: Path, files: Files, s3_server,
                                                                   s3_bucket: str) -> None:  # fmt: skip
    from botkit.store.objects import open_asset_store

    db = open_db(f"sqlite:///{tmp_path / 'botkit.db'}")
    upgrade(db)
    url = f"s3://{s3_bucket}/botkit"
    web = Library(LibraryRepository(session_factory(db)),
                  open_asset_store(url, tmp_path / "web", endpoint_url=s3_server.endpoint_url))  # fmt: skip
    photo = web.add(SITE_A, files.photo()).item
    clip = web.add(SITE_A, files.footage()).item
    worker = open_asset_store(url, tmp_path / "worker", endpoint_url=s3_server.endpoint_url)  # its own disk
    for item in (photo, clip):
        assert not worker.local(item.path).exists()
        assert sha256_of(worker.path(item.path)) == sha256_of(web.assets.path(item.path))
    web.remove(SITE_A, photo.id)
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=s3_bucket).get("Contents", [])]
    assert f"botkit/{clip.path}" in keys and f"botkit/{photo.path}" not in keys
