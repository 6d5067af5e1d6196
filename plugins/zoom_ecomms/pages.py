"""Keeping a page loop finite: a deadline, no repeated page token, no more pages than
``total_records`` announces (one page of slack)."""

from __future__ import annotations

import math
import time

from core.errors import PayloadError, TransientError

__all__ = ["PageGuard"]


class PageGuard:
    """Checks each ``next_page_token`` of one page loop (a listing window, a lookup)."""

    def __init__(self, where: str, deadline_seconds: float) -> None:
        self.where = where
        self.seconds = deadline_seconds
        self.deadline = time.monotonic() + deadline_seconds
        self.pages = 0
        self._tokens: set[str] = set()

    def next(self, token: str, total_records: int | None, page_size: int) -> str:
        """The token to request the next page with, ``""`` when this was the last page.

        ``PayloadError`` when Zoom repeats a token or sends more pages than it announced;
        ``TransientError`` when the loop outlives its deadline.
        """
        self.pages += 1
        if not token:
            return ""
        if token in self._tokens:
            raise PayloadError(
                f"{self.where}: Zoom repeated a next_page_token after page {self.pages};"
                " the list would never end"
            )
        if total_records is not None and self.pages > math.ceil(total_records / page_size) + 1:
            raise PayloadError(
                f"{self.where}: page {self.pages} still has a next_page_token although Zoom"
                f" announced {total_records} records"
            )
        if time.monotonic() > self.deadline:
            raise TransientError(
                f"{self.where}: paging did not finish within {self.seconds:g} s"
                f" ({self.pages} pages)"
            )
        self._tokens.add(token)
        return token
