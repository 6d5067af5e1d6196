"""Through the command line against the simulator: the records of every TXT chat layout and
of the chat attachments, as ``ecomms search`` returns them."""

from __future__ import annotations

import json
from pathlib import Path

from ecomms_zoom_simulator.chat_txt import STRAY_LINE

from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml


def _search(config: Path, sim, *args: str) -> list[dict]:
    done = run_ecomms(config, sim, "search", *args, "--json", "--limit", "10000")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_txt_chats_in_every_layout_and_attachments_reach_search(zoom_simulator_factory, tmp_path):
    sim = zoom_simulator_factory(
        seed=7, meetings=8, plan="business", txt_layout="mix", json_chat=False
    )
    config = tmp_path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n'
        + zoom_source_toml(sim, media="none")
        + '[sinks.filesystem]\npath = "archive"\n[sinks.sqlite]\npath = "search.db"\n'
    )
    done = run_ecomms(config, sim, "run", "--once")
    assert done.returncode == 0, done.stderr
    chats = _search(config, sim, "--kind", "chat")
    assert all(chat.get("errors", []) == [] for chat in chats)
    chats = [c for c in chats if c["attributes"]["ArchiveFileFileType"] == "CHAT"]
    assert len(chats) >= 3  # one_line, two_spaces and next_line in turn
    for chat in chats:
        assert STRAY_LINE in chat["text"]  # a line that is no message is kept, never a failure
    actions = {
        m.get("action", "message") for c in chats for t in c["threads"] for m in t["messages"]
    }
    assert {"message", "reply", "reaction"} <= actions
    shared = {a.name for m in sim.account.meetings for a in m.attachments}
    assert shared
    for name in shared:
        found = _search(config, sim, f'"{name}"', "--kind", "media")
        assert found and all(r["title"].startswith(f"Chat attachment {name}") for r in found)
