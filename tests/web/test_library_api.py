"""The site admin's library API: list, add (multipart), remove, brand kit get/put. A site only
ever sees and uses its own items; a user's token cannot manage, an admin's cannot chat."""

from __future__ import annotations

from pathlib import Path

from botkit.channels.web import mint_user_token
from tests.library.conftest import Files

from .conftest import Live


def admin(live: Live, site=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    site = site or live.site
    return {"Authorization": f"Bearer {mint_user_token(site.secret, site.site_key, 'ops', 600, kind='admin')}"}


def upload(path: Path, mime: str = "application/octet-stream") -> tuple[str, tuple[str, bytes, str]]:
    return ("files", (path.name, path.read_bytes(), mime))


def test_admin_manages_the_library_and_kit_and_requests_use_them(live: Live, tmp_path: Path) -> None:
    files = Files(tmp_path / "files")
    with live.client() as client:
        added = client.post("/api/library/items", headers=admin(live), data={"collection": "spring lookbook"},
                            files=[upload(files.photo("red.jpg")), upload(files.photo("blue.jpg", (30, 60, 200)))])  # fmt: skip
        assert added.status_code == 201, added.text
        photos = added.json()["items"]
        assert [p["kind"] for p in photos] == ["photo", "photo"] and all(p["created"] for p in photos)
        logo = client.post("/api/library/items", headers=admin(live), data={"kind": "logo", "name": "acme"},
                           files=[upload(files.logo(), "image/png")]).json()["items"][0]  # fmt: skip
        again = client.post("/api/library/items", headers=admin(live), files=[upload(files.photo("red.jpg"))])
        assert again.status_code == 201 and again.json()["items"][0] == {**photos[0], "created": False}
        listed = client.get("/api/library/items", headers=admin(live)).json()
        assert listed["tenant"] == f"site:{live.site.site_key}" and len(listed["items"]) == 3
        kit = client.put("/api/library/kit", headers=admin(live), json={"brand_name": "Acme", "logo": "acme",
                                                                        "colours": ["#112233"]})  # fmt: skip
        assert kit.status_code == 200, kit.text
        assert (
            kit.json()["logo"] == logo["id"]
            and client.get("/api/library/kit", headers=admin(live)).json() == kit.json()
        )
        # a user's request names them
        made = client.post("/api/conversations", headers=live.headers(),
                           data={"text": "a 10 second promo for our bottle with our spring lookbook photos, shop now"})  # fmt: skip
        assert made.status_code == 201, made.text
        plan = made.json()["plan"]
        folder = f"library/site_{live.site.site_key}/"
        assert [s["image"].startswith(folder) for s in plan["shots"][:2]] == [True, True]
        assert plan["end_card"]["name"] == "Acme" and plan["end_card"]["logo"].startswith("library/")
        missing = client.post(
            "/api/conversations", headers=live.headers(), data={"text": "a promo with our winter photos"}
        )
        assert missing.status_code == 400 and 'the library holds: photo "red"' in missing.json()["error"]
        # the queued job uses the photos: removing one is refused (409) until it is done
        busy = client.delete(f"/api/library/items/{photos[1]['id']}", headers=admin(live))
        assert busy.status_code == 409 and made.json()["job_id"] in busy.json()["error"]
        font = client.post("/api/library/items", headers=admin(live), files=[upload(files.font())]).json()["items"][0]
        assert font["kind"] == "font" and font["facts"]["family"] == "DejaVu Sans"
        assert client.delete(f"/api/library/items/{font['id']}", headers=admin(live)).status_code == 204
        assert len(client.get("/api/library/items", headers=admin(live)).json()["items"]) == 3


def test_one_site_never_sees_or_uses_another_sites_items(live: Live, tmp_path: Path) -> None:
    files = Files(tmp_path / "files")
    with live.client() as client:
        theirs = client.post("/api/library/items", headers=admin(live, live.other_site),
                             data={"collection": "spring lookbook"}, files=[upload(files.photo())]).json()["items"][0]  # fmt: skip
        assert client.get("/api/library/items", headers=admin(live)).json()["items"] == []
        gone = client.delete(f"/api/library/items/{theirs['id']}", headers=admin(live))
        never = client.delete(f"/api/library/items/{'0' * 32}", headers=admin(live))
        assert gone.status_code == never.status_code == 404
        assert gone.json()["error"].replace(theirs["id"], "X") == never.json()["error"].replace("0" * 32, "X")
        refused = client.put("/api/library/kit", headers=admin(live), json={"logo": theirs["id"]})
        assert (
            refused.status_code == 400
            and theirs["id"] in refused.json()["error"]
            and "no logo" in refused.json()["error"]
        )
        used = client.post("/api/conversations", headers=live.headers(),
                           data={"text": "a promo with our spring lookbook photos"})  # fmt: skip
        assert used.status_code == 400 and "library is empty" in used.json()["error"]
        # the other site still has it
        assert len(client.get("/api/library/items", headers=admin(live, live.other_site)).json()["items"]) == 1


def test_tokens_and_bad_files(live: Live, tmp_path: Path) -> None:
    files = Files(tmp_path / "files")
    with live.client() as client:
        as_user = client.get("/api/library/items", headers=live.headers())
        assert as_user.status_code == 403 and "admin" in as_user.json()["error"]
        assert client.get("/api/library/items").status_code == 401
        chat_as_admin = client.post("/api/conversations", headers=admin(live), data={"text": "a promo"})
        assert chat_as_admin.status_code == 403
        for path, message in ((files.not_a_font(), "not a TrueType"), (files.zip_as(".png"), "not a readable image"),
                              (files.zip_as(".mp4"), "ZIP archive"), (files.bomb(), "MP")):  # fmt: skip
            bad = client.post("/api/library/items", headers=admin(live), files=[upload(path)])
            assert bad.status_code == 400 and message in bad.json()["error"], bad.text
        assert client.get("/api/library/items", headers=admin(live)).json()["items"] == []
        for body in ({"music": ["calm"]}, {"colours": "red"}, {"colours": 3}, {"brand": "x"}, {"logo": {"id": 1}}):
            refused = client.put("/api/library/kit", headers=admin(live), json=body)
            assert refused.status_code == 400, (body, refused.text)
        assert client.get("/api/library/kit", headers=admin(live)).json()["colours"] == []
        library = live.bot.assets.root / "library"
        assert not library.exists() or not [p for p in library.rglob("*") if p.is_file()]


def test_405_lists_every_method_of_the_path(live: Live) -> None:
    with live.client() as client:
        answer = client.request("OPTIONS", "/api/library/items", headers=admin(live))
        assert answer.status_code == 405 and {"GET", "POST"} <= set(answer.headers["allow"].split(", "))
        kit = client.request("PATCH", "/api/library/kit", headers=admin(live))
        assert kit.status_code == 405 and {"GET", "PUT"} <= set(kit.headers["allow"].split(", "))
