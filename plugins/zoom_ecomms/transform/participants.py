"""Who took part: one merged list of parties from every Zoom participant payload.

The same person appears in several payloads (past participants, report, dashboard, host,
panelists), often once per join. People are merged by user id, then email (case-blind),
then display name; the merged party keeps the earliest join and the latest leave.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from core.records import Party

from .guard import try_value
from .values import as_datetime, as_str, bad, payload_list

__all__ = ["Roster", "roster_from_payloads"]

# payload name -> (name field, email field, role)
_SOURCES = (
    ("participants", "name", "user_email", ""),
    ("report_participants", "name", "user_email", ""),
    ("dashboard_participants", "user_name", "email", ""),
    ("panelists", "name", "email", "panelist"),
)

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


def _party(item: Any, where: str, name_key: str, email_key: str, role: str) -> Party:
    if not isinstance(item, dict):
        raise bad(where, "item", "expected an object")
    return Party(
        name=as_str(item.get(name_key), where, name_key).strip(),
        email=as_str(item.get(email_key), where, email_key).strip(),
        id=as_str(item.get("id"), where, "id"),
        role=role or as_str(item.get("role"), where, "role"),
        join_time=as_datetime(item.get("join_time"), where, "join_time"),
        leave_time=as_datetime(item.get("leave_time"), where, "leave_time"),
    )


def _host(payloads: dict[str, Any], host_id: str) -> Party | None:
    host = payloads.get("host")
    if isinstance(host, dict):
        where = "payload host"
        name = as_str(host.get("display_name"), where, "display_name")
        if not name:
            first = as_str(host.get("first_name"), where, "first_name")
            name = f"{first} {as_str(host.get('last_name'), where, 'last_name')}".strip()
        return Party(
            name=name,
            email=as_str(host.get("email"), where, "email"),
            id=as_str(host.get("id"), where, "id") or host_id,
            role="host",
        )
    return Party(id=host_id, role="host") if host_id else None


def _items(payloads: dict[str, Any], payload: str, errors: list[str]) -> list[Any]:
    where = f"payload {payload}"
    return try_value(errors, where, lambda: payload_list(payloads.get(payload), where), [])


def roster_from_payloads(payloads: dict[str, Any], host_id: str, errors: list[str]) -> Roster:
    """Merge the host and every participant payload of a unit into one roster.

    A payload or person that cannot be read is left out, its error line added to ``errors``;
    everyone else is still merged.
    """
    roster = Roster()
    host = try_value(errors, "payload host", lambda: _host(payloads, host_id), None)
    if host is not None:
        roster.add(host)
    for payload, name_key, email_key, role in _SOURCES:
        for index, item in enumerate(_items(payloads, payload, errors)):
            where = f"payload {payload}[{index}]"
            party = try_value(
                errors, where, partial(_party, item, where, name_key, email_key, role), None
            )
            if party is None:
                continue
            if host_id and party.id == host_id:
                party.role = "host"
            if party.name or party.email or party.id:
                roster.add(party)
    return roster
