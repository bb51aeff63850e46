"""``botkit library`` through the real command line: add, list, kit, remove, and a chat that
names the items (the CLI's own library, tenant ``local``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.library.conftest import Files
from tests.test_cli import botkit


def test_add_list_kit_remove_and_a_chat_that_names_the_items(tmp_path: Path) -> None:
    data = tmp_path / "data"
    files = Files(tmp_path / "files")
    photos = [files.photo("red.jpg"), files.photo("green.jpg", (40, 160, 70))]
    added = botkit("library", "add", *map(str, photos), "--collection", "spring lookbook", "--json", data_dir=data)
    assert added.returncode == 0, added.stderr
    items = json.loads(added.stdout)["items"]
    assert json.loads(added.stdout)["tenant"] == "local" and [i["name"] for i in items] == ["red", "green"]
    # a batch with bad files: each refused by name, the good ones added, exit code 2
    mixed = botkit("library", "add", str(files.logo()), str(files.not_a_font()), str(files.zip_as(".mp4")),
                   str(photos[0]), data_dir=data)  # fmt: skip
    assert mixed.returncode == 2
    assert "refused: fake.ttf" in mixed.stderr and "refused: archive.mp4" in mixed.stderr
    assert 'added logo "acme-logo"' in mixed.stdout and "already in the library" in mixed.stdout
    listed = json.loads(botkit("library", "list", "--json", data_dir=data).stdout)["items"]
    assert [i["kind"] for i in listed] == ["photo", "photo", "logo"]
    kit = botkit("library", "kit", "--set", "brand_name=Acme", "--set", "logo=acme-logo", "--set", "colours=#112233",
                 data_dir=data)  # fmt: skip
    assert kit.returncode == 0 and "brand_name: Acme" in kit.stdout and 'logo "acme-logo"' in kit.stdout
    bad_kit = botkit("library", "kit", "--set", "font=nope", data_dir=data)
    assert bad_kit.returncode == 2 and "no font 'nope'" in bad_kit.stderr
    chat = botkit("chat", "a 6 second promo for our bottle with our spring lookbook photos, shop now", "--dry-run",
                  "--json", data_dir=data)  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    plan = json.loads(chat.stdout)["plan"]
    assert [s["image"] for s in plan["shots"]][:2] == [i["path"] for i in items]
    assert plan["end_card"]["name"] == "Acme" and plan["end_card"]["logo"] == listed[2]["path"]
    missing = botkit("chat", "a promo with our winter photos", "--dry-run", data_dir=data)
    assert missing.returncode == 2 and "nothing in your media library matches" in missing.stderr
    # another tenant's library is separate
    site = botkit("library", "list", "--site", "pk_nope", data_dir=data)
    assert site.returncode == 2 and "no site 'pk_nope'" in site.stderr
    team = json.loads(botkit("library", "list", "--slack-team", "T9", "--json", data_dir=data).stdout)
    assert team == {"tenant": "slack:T9", "items": []}
    removed = botkit("library", "remove", items[1]["id"], data_dir=data)
    assert removed.returncode == 0 and 'removed photo "green"' in removed.stdout
    gone = botkit("library", "remove", items[1]["id"], data_dir=data)
    assert gone.returncode == 2 and "no library item" in gone.stderr
    assert not (data / "assets" / items[1]["path"]).exists()
