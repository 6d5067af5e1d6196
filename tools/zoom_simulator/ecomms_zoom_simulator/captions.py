"""WebVTT audio transcripts and closed captions with ``Speaker: text`` cues (ZOOM_API §4.5)."""

from __future__ import annotations

import random

from ecomms_zoom_simulator.people import Person
from ecomms_zoom_simulator.phrases import FLAGGED, ORDINARY

__all__ = ["build_vtt"]


def _stamp(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}.{millis:03d}"


def build_vtt(
    rng: random.Random, speakers: list[Person], duration_s: int, numbered: bool, flagged: bool
) -> bytes:
    """Return a VTT file of cues spread over ``duration_s`` seconds.

    ``numbered`` adds cue ids (as Zoom's audio transcripts have); ``flagged`` puts one
    phrase a compliance policy must catch among the ordinary ones.
    """
    count = rng.randint(8, 14)
    step = max(2000, duration_s * 1000 // (count + 1))
    lines = ["WEBVTT", ""]
    flag_at = rng.randrange(count) if flagged else -1
    for index in range(count):
        start = index * step + rng.randint(0, 500)
        end = start + rng.randint(1500, max(1600, step - 100))
        speaker = speakers[index % len(speakers)]
        text = rng.choice(FLAGGED) if index == flag_at else rng.choice(ORDINARY)
        if numbered:
            lines.append(str(index + 1))
        lines += [f"{_stamp(start)} --> {_stamp(end)}", f"{speaker.name}: {text}", ""]
    return "\n".join(lines).encode()
