"""Users and groups (ZOOM_API §6.4)."""

from __future__ import annotations

from ecomms_zoom_simulator.faults import Faults
from ecomms_zoom_simulator.http import ApiError, Request, Response, decode_id, json_response
from ecomms_zoom_simulator.payloads import user_object
from ecomms_zoom_simulator.routes_archive import page_size, paginate
from ecomms_zoom_simulator.state import State

__all__ = ["ROUTES"]


def list_users(state: State, faults: Faults, req: Request) -> Response:
    """``GET /users`` (active users; ``page_size`` up to 2000)."""
    size = page_size(req, 2000)
    status = req.arg("status", "active")
    users = (
        [user_object(state.account, u, False) for u in state.account.users]
        if status == "active"
        else []
    )
    page, token = paginate(state, faults, req, (size, "users", status), users)
    return json_response(
        {
            "page_count": max(1, -(-len(users) // size)),
            "page_number": 1,
            "page_size": size,
            "total_records": len(users),
            "next_page_token": token,
            "users": page,
        }
    )


def get_user(state: State, faults: Faults, req: Request) -> Response:
    """``GET /users/{userId}`` by id or email; 404 / 1001 when unknown."""
    key = decode_id(req.params["user"])
    for user in state.account.users:
        if key in (user.user_id, user.email, "me"):
            return json_response(user_object(state.account, user, True))
    raise ApiError(404, 1001, "User does not exist: " + key)


def list_groups(state: State, faults: Faults, req: Request) -> Response:
    """``GET /groups``."""
    size = page_size(req, 300)
    groups = [
        {"id": g.id, "name": g.name, "total_members": len(g.member_ids)}
        for g in state.account.groups
    ]
    page, token = paginate(state, faults, req, (size, "groups"), groups)
    return json_response({"groups": page, "total_records": len(groups), "next_page_token": token})


def group_members(state: State, faults: Faults, req: Request) -> Response:
    """``GET /groups/{groupId}/members``; 404 / 4130 for an unknown group."""
    size = page_size(req, 2000)
    group = next((g for g in state.account.groups if g.id == req.params["group"]), None)
    if group is None:
        raise ApiError(404, 4130, f"Group does not exist: {req.params['group']}.")
    members = [
        {
            "id": u.user_id,
            "email": u.email,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "type": 2,
        }
        for u in state.account.users
        if u.user_id in group.member_ids
    ]
    page, token = paginate(state, faults, req, (size, "members", group.id), members)
    return json_response(
        {
            "page_count": max(1, -(-len(members) // size)),
            "page_size": size,
            "total_records": len(members),
            "next_page_token": token,
            "members": page,
        }
    )


ROUTES = [
    ("GET", "/v2/users", list_users, "list_users"),
    ("GET", "/v2/users/(?P<user>[^/]+)", get_user, "get_user"),
    ("GET", "/v2/groups", list_groups, "list_groups"),
    ("GET", "/v2/groups/(?P<group>[^/]+)/members", group_members, "list_group_members"),
]
