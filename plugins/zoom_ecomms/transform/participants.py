"""Who took part: one merged list of parties from every Zoom participant payload.

The same person appears in several payloads (past participants, report, dashboard, host,
panelists), often once per join. People are merged by user id, then email (case-blind),
then display name; the merged party keeps the earliest join and the latest leave.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from core.records import Party
from plugins.zoom_ecomms.models import User, zoom_time

from .payloads import Payloads

__all__ = ["Roster", "roster_from_payloads"]

# When payloads disagree on a role, the most specific one wins.
_RANK = {"": 0, "attendee": 1, "respondent": 1, "asker": 1, "panelist": 2, "cohost": 3, "host": 4}


class Roster:
    """Parties merged by identity, in order of first appearance."""

    def __init__(self) -> None:
        self._parties: list[Party] = []
        self._by_key: dict[str, Party] = {}

    def add(self, party: Party) -> Party:
        """Merge ``party`` into the roster and return the roster's party for that person."""
        keys = _keys(party)
        known = next((self._by_key[k] for k in keys if k in self._by_key), None)
        if known is None:
            known = Party(name=party.name, email=party.email, id=party.id, role=party.role)
            self._parties.append(known)
        _merge(known, party)
        for key in _index_keys(known):
            self._by_key.setdefault(key, known)
        return known

    def find(self, party: Party) -> Party | None:
        """The roster's party for the same person as ``party``, if any."""
        return next((self._by_key[k] for k in _keys(party) if k in self._by_key), None)

    def parties(self) -> list[Party]:
        """Copies of the merged parties, in order of first appearance."""
        return [Party(**{f: getattr(p, f) for f in p.__struct_fields__}) for p in self._parties]

    def copy(self) -> Roster:
        """An independent roster holding the same parties."""
        other = Roster()
        for party in self.parties():
            other.add(party)
        return other


def _keys(party: Party) -> list[str]:
    """Lookup keys: id and email; the display name only for a party with neither."""
    keys = []
    if party.id:
        keys.append("id:" + party.id)
    if party.email:
        keys.append("email:" + party.email.lower())
    if not keys and party.name:
        keys.append("name:" + party.name)
    return keys


def _index_keys(party: Party) -> list[str]:
    keys = _keys(party)
    if party.name and ("name:" + party.name) not in keys:
        keys.append("name:" + party.name)
    return keys


def _merge(into: Party, other: Party) -> None:
    into.name = into.name or other.name
    into.email = into.email or other.email
    into.id = into.id or other.id
    if _RANK.get(other.role, 1) > _RANK.get(into.role, 1):
        into.role = other.role
    into.join_time = _earliest(into.join_time, other.join_time)
    if other.leave_time and (into.leave_time is None or other.leave_time > into.leave_time):
        into.leave_time = other.leave_time


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b)


def _party(name: str, email: str, pid: str, role: str, join: str, leave: str) -> Party:
    return Party(
        name=name.strip(),
        email=email.strip(),
        id=pid,
        role=role,
        join_time=zoom_time(join),
        leave_time=zoom_time(leave),
    )


def _host(host: User | None, host_id: str) -> Party | None:
    if host is not None:
        name = host.display_name or f"{host.first_name} {host.last_name}".strip()
        return Party(name=name, email=host.email, id=host.id or host_id, role="host")
    return Party(id=host_id, role="host") if host_id else None


def _people(payloads: Payloads) -> Iterator[Party]:
    """Everyone of the participant payloads, in payload order (past, report, dashboard,
    panelists)."""
    for past in (*payloads.participants, *payloads.report_participants):
        yield _party(past.name, past.user_email, past.id, "", past.join_time, past.leave_time)
    for d in payloads.dashboard_participants or []:
        yield _party(d.user_name, d.email, d.id, d.role, d.join_time, d.leave_time)
    for panelist in payloads.panelists:
        yield Party(name=panelist.name.strip(), email=panelist.email.strip(), id=panelist.id,
                    role="panelist")  # fmt: skip


def roster_from_payloads(payloads: Payloads, host_id: str) -> Roster:
    """Merge the host and every participant payload of a unit into one roster."""
    roster = Roster()
    host = _host(payloads.host, host_id)
    if host is not None:
        roster.add(host)
    for party in _people(payloads):
        if host_id and party.id == host_id:
            party.role = "host"
        if party.name or party.email or party.id:
            roster.add(party)
    return roster
