"""Benchmark: a 100,000-message JSON chat through the Zoom transformer.

Compares the whole transformer (chat record with threads and readable text, plus the
meeting record) with the least possible work on the same file: parse the JSON and
base64-decode every string field. Prints messages/s for both and their ratio (target ≥ 0.5).
Times are the best of several rounds of process CPU time, so that other work on a shared
machine disturbs the ratio less.

Run: ``.venv/bin/python bench/zoom_transform.py [--messages N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import random
import tempfile
import time
from pathlib import Path

from core.protocols import SpooledFile, Unit
from plugins.zoom_ecomms.transform import build_records

UUID = "bench/uuid=="
_B64 = ("s_name", "s_email", "msg_id", "r_name", "r_email", "msg_content",
        "original_msg_id", "parent_msg_id", "private_group_id")  # fmt: skip


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _message(rng: random.Random, i: int, people: list[tuple[str, str, str]]) -> dict:
    sid, name, email = people[rng.randrange(len(people))]
    second = i // 10  # a busy webinar: ten messages a second for about three hours
    base = {"e_time": f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}",
            "e_archive_time": "00:00:00", "s_id": sid, "s_name": _b64(name),
            "s_email": _b64(email), "msg_id": _b64(f"m{i}")}  # fmt: skip
    roll = rng.random()
    text = _b64(f"message {i} about the quarterly numbers, see the deck ✅")
    if roll < 0.70:
        return {**base, "msg_type": 1, "msg_extended_type": "010101000100", "msg_content": text}
    if roll < 0.80:
        rid, rname, remail = people[(i * 7) % len(people)]
        return {**base, "msg_type": 2, "msg_extended_type": "010101000400", "r_id": rid,
                "r_name": _b64(rname), "r_email": _b64(remail), "msg_content": text}  # fmt: skip
    if roll < 0.85:
        return {**base, "msg_type": 1, "msg_extended_type": "010101000700",
                "private_group_id": _b64(f"grp-{i % 5}"), "msg_content": text}  # fmt: skip
    if roll < 0.92:
        return {**base, "msg_type": 7, "msg_extended_type": "010101000100",
                "parent_msg_id": _b64(f"m{max(i - 3, 0)}"), "msg_content": text}  # fmt: skip
    if roll < 0.95:
        return {**base, "msg_type": 6, "msg_extended_type": "010103000100",
                "original_msg_id": _b64(f"m{max(i - 1, 0)}"), "msg_content": text}  # fmt: skip
    if roll < 0.97:
        return {**base, "msg_type": 3, "msg_extended_type": "010102000100",
                "original_msg_id": _b64(f"m{max(i - 2, 0)}")}  # fmt: skip
    if roll < 0.99:
        return {**base, "msg_type": 4, "msg_content": _b64("👍")}
    return {**base, "msg_type": 5, "msg_content": "1"}


def make_chat(path: Path, count: int, seed: int = 7) -> None:
    """Write a JSON chat archive file of ``count`` messages (Zoom's base64 field format)."""
    rng = random.Random(seed)
    people = [(f"u{i}", f"Person {i} 😀", f"p{i}@corp.example") for i in range(40)]
    people.append(("", "Guest 李", ""))
    messages = [_message(rng, i, people) for i in range(count)]
    path.write_text(json.dumps({"uuid": UUID, "messages": messages}), encoding="utf-8")


def baseline(path: Path) -> int:
    """The least possible work: parse the JSON, base64-decode every string field."""
    body = json.loads(path.read_bytes())
    decode = binascii.a2b_base64
    for message in body["messages"]:
        for key in _B64:
            value = message.get(key)
            if value and not (key == "msg_content" and message["msg_type"] == 5):
                decode(value).decode("utf-8")
    return len(body["messages"])


def chat_unit(path: Path) -> Unit:
    """The unit the source would yield for a meeting whose only file is this chat."""
    data = path.read_bytes()
    meta = {"id": "bench-chat", "file_type": "CHAT_MESSAGE", "file_extension": "JSON",
            "file_size": len(data), "recording_type": "chat_message"}  # fmt: skip
    spooled = SpooledFile(file_id="bench-chat", path=str(path), size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), media_type="application/json",
                          name=path.name, meta=meta)  # fmt: skip
    meeting = {"uuid": UUID, "start_time": "2026-11-03T14:00:00Z", "meeting_type": "internal",
               "topic": "Bench", "account_name": "Bench", "archive_files": [meta]}  # fmt: skip
    return Unit(source="zoom_ecomms", platform="zoom", key=UUID, payloads={"meeting": meeting},
                files=[spooled])  # fmt: skip


def transformer(unit: Unit) -> int:
    """The transformer on the unit (it reads the chat file itself); returns messages placed."""
    records = build_records(unit)
    chat = next(r for r in records if r.kind == "chat")
    return sum(len(t.messages) for t in chat.threads)


def _best(func, arg, rounds: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(rounds):
        started = time.process_time()
        count = func(arg)
        best = min(best, time.process_time() - started)
    return best, count


def main() -> None:
    """Generate the chat, time both, print figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chat.json"
        make_chat(path, args.messages)
        size = path.stat().st_size
        base_s, base_n = _best(baseline, path, args.rounds)
        full_s, full_n = _best(transformer, chat_unit(path), args.rounds)
    assert base_n == full_n == args.messages, (base_n, full_n)
    base_rate, full_rate = base_n / base_s, full_n / full_s
    print(f"chat file: {args.messages} messages, {size / 1e6:.1f} MB, best of {args.rounds}")
    print(f"baseline (JSON + base64 fields): {base_rate:>9,.0f} messages/s ({base_s:.3f} s CPU)")
    print(f"transformer (all records):       {full_rate:>9,.0f} messages/s ({full_s:.3f} s CPU)")
    print(f"ratio transformer/baseline: {full_rate / base_rate:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
