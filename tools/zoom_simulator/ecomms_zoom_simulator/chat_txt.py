"""The TXT chat archive in the layouts seen in practice (ZOOM_API §0a, §4.4).

Zoom publishes no grammar for it; third-party parsers show these layouts:

``classic``     ``HH:MM:SS From A to B: text``, every fourth message on the next, tab-indented
                line (the simulator's first layout; today's default)
``one_line``    ``HH:MM:SS From A to B: text``; private: ``to B (privately):``
``two_spaces``  ``HH:MM:SS From  A  to  B: text``; private: ``to  B(Privately):``
``next_line``   ``HH:MM:SS From  A  To  B:`` then the message on tab-indented line(s); private:
                ``B(Direct Message)``; replies start with ``Replying to "…":``, reactions
                are ``Reacted to "…" with 👍``

Every layout but ``classic`` also holds one line that matches none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LAYOUTS", "STRAY_LINE", "TxtEntry", "render_txt"]

LAYOUTS = ("classic", "one_line", "two_spaces", "next_line")
MIXED = LAYOUTS[1:]
STRAY_LINE = "--- messages sent before you joined are not shown ---"
_MARKS = {"one_line": " (privately)", "two_spaces": "(Privately)", "next_line": "(Direct Message)"}


@dataclass
class TxtEntry:
    """One message as the TXT file shows it."""

    stamp: str
    sender: str
    receiver: str  # "Everyone" or a person's name
    text: str
    private: bool = False
    reply_to: str = ""  # the text of the message replied to
    reaction: str = ""  # an emoji: ``text`` is then the message reacted to


def _quote(text: str) -> str:
    return text if len(text) <= 50 else text[:47] + "..."


def _classic(entries: list[TxtEntry]) -> list[str]:
    shown = [e for e in entries if not e.reaction]
    lines = []
    for index, e in enumerate(shown):
        head = f"{e.stamp} From {e.sender} to {e.receiver}:"
        lines.append(f"{head}\n\t{e.text}" if index % 4 == 3 else f"{head} {e.text}")
    return lines


def _one(e: TxtEntry, layout: str) -> str:
    receiver = e.receiver + (_MARKS[layout] if e.private else "")
    if layout == "one_line":
        return f"{e.stamp} From {e.sender} to {receiver}: {e.text}"
    if layout == "two_spaces":
        return f"{e.stamp} From  {e.sender}  to  {receiver}: {e.text}"
    head = f"{e.stamp} From  {e.sender}  To  {receiver}:"
    if e.reaction:
        return f'{head}\n\tReacted to "{_quote(e.text)}" with {e.reaction}'
    if e.reply_to:
        return f'{head}\n\tReplying to "{_quote(e.reply_to)}":\n\t{e.text}'
    return head + "".join(f"\n\t{piece}" for piece in e.text.split("\n"))


def render_txt(entries: list[TxtEntry], layout: str) -> tuple[bytes, int]:
    """The TXT file of ``entries`` in ``layout`` and its number of messages."""
    if layout == "classic":
        lines = _classic(entries)
    else:
        shown = [e for e in entries if layout == "next_line" or not e.reaction]
        lines = [_one(e, layout) for e in shown]
        lines.insert(min(1, len(lines)), STRAY_LINE)
    count = len(lines) - (layout != "classic")
    return ("\n".join(lines) + "\n").encode(), count
