"""The people of a simulated account: internal users in groups, and outside guests."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["GROUPS", "Group", "Person", "make_guests", "make_users"]

_INTERNAL = [
    ("Alice", "Martin", "Trading"),
    ("Bob", "Okafor", "Trading"),
    ("José", "Álvarez", "Sales"),
    ("Zoë 🚀", "Chen", "Sales"),
    ("李", "雷", "Research"),
    ("Priya", "Natarajan", "Compliance"),
    ("Mårten", "Øberg", "Research"),
    ("Fatima", "Al-Sayed", "Trading"),
    ("Noah", "Kowalski", "Sales"),
    ("Chloé", "Dubois", "Compliance"),
]
_GUESTS = [
    ("Dave", "Customer", "dave.customer@client-example.com"),
    ("Ines", "Broker", ""),
    ("Kenji", "Tanaka 🎌", ""),
    ("Olga", "Petrova", "olga@partner-example.org"),
    ("Sam", "Guest", ""),
    ("Renée", "Fournier", ""),
]
GROUPS = ("Trading", "Sales", "Research", "Compliance")


@dataclass
class Group:
    """A user group of the account."""

    id: str
    name: str
    member_ids: list[str] = field(default_factory=list)


@dataclass
class Person:
    """Someone who can attend: an account user (``internal``) or an outside guest."""

    name: str
    email: str
    user_id: str = ""
    internal: bool = True
    first_name: str = ""
    last_name: str = ""
    dept: str = ""
    group_id: str = ""
    pmi: int = 0


def _user_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(22))


def make_users(rng: random.Random, domain: str) -> tuple[list[Person], list[Group]]:
    """Return the account's users and its groups, every user a member of one group."""
    groups = [Group(id=_user_id(rng)[:20], name=name) for name in GROUPS]
    by_name = {g.name: g for g in groups}
    users = []
    for first, last, dept in _INTERNAL:
        local = f"{first}.{last}".lower().encode("ascii", "ignore").decode().strip(" .") or "user"
        person = Person(
            name=f"{first} {last}",
            email=f"{local.replace(' ', '')}{len(users)}@{domain}",
            user_id=_user_id(rng),
            first_name=first,
            last_name=last,
            dept=dept,
            group_id=by_name[dept].id,
            pmi=rng.randrange(2_000_000_000, 9_999_999_999),
        )
        by_name[dept].member_ids.append(person.user_id)
        users.append(person)
    return users, groups


def make_guests() -> list[Person]:
    """Return outside guests; most have no email Zoom may show (ZOOM_API §6.9)."""
    return [
        Person(
            name=f"{first} {last}", email=email, internal=False, first_name=first, last_name=last
        )
        for first, last, email in _GUESTS
    ]
