"""OAuth token and error bodies, users, groups and webinar panelists (Zoom's ``users`` and
``groups`` OpenAPI, ``webinar_panelists``, the Rivet S2S token type)."""

from __future__ import annotations

import msgspec

from plugins.zoom_ecomms.wire.base import ZoomModel

__all__ = [
    "CustomAttribute",
    "FieldError",
    "Group",
    "GroupMember",
    "GroupMembersPage",
    "GroupsPage",
    "Panelist",
    "PanelistList",
    "PhoneNumber",
    "TokenError",
    "TokenResponse",
    "User",
    "UsersPage",
    "ZoomError",
]


class TokenResponse(ZoomModel):
    """``POST /oauth/token`` (``account_credentials``): the bearer token and granted scopes.

    ``scope`` is one string, scopes separated by spaces; ``api_url`` the account's regional
    API base.
    """

    access_token: str
    token_type: str = ""
    expires_in: int | float = 3600
    scope: str = ""
    api_url: str = ""


class TokenError(ZoomModel):
    """The token endpoint's error body: ``{"reason": ..., "error": ...}``."""

    reason: str = ""
    error: str = ""


class FieldError(ZoomModel):
    """One ``errors[]`` entry of a validation failure."""

    field: str = ""
    message: str = ""


class ZoomError(ZoomModel):
    """An API error body: ``{"code": 300, "message": "...", "errors": [...]}``."""

    code: int | None = None
    message: str = ""
    errors: list[FieldError] = msgspec.field(default_factory=list)


class CustomAttribute(ZoomModel):
    """A user's custom attribute."""

    key: str = ""
    name: str = ""
    value: str = ""


class PhoneNumber(ZoomModel):
    """A user's phone number."""

    code: str = ""
    country: str = ""
    label: str = ""
    number: str = ""
    verified: bool | None = None


class User(ZoomModel):
    """A user (``GET /users/{userId}``, or one item of ``GET /users``).

    ``type``: 1 Basic, 2 Licensed, 4 unassigned, 99 none. Pending users have no ``id``.
    """

    id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    type: int | None = None
    status: str = ""
    dept: str = ""
    group_ids: list[str] = msgspec.field(default_factory=list)
    im_group_ids: list[str] = msgspec.field(default_factory=list)
    division_ids: list[str] = msgspec.field(default_factory=list)
    role_id: str = ""
    role_name: str = ""
    pmi: int | None = None
    use_pmi: bool | None = None
    timezone: str = ""
    verified: int | None = None
    created_at: str = ""
    user_created_at: str = ""
    last_login_time: str = ""
    last_client_version: str = ""
    employee_unique_id: str = ""
    plan_united_type: str = ""
    custom_attributes: list[CustomAttribute] = msgspec.field(default_factory=list)
    host_key: str = ""
    account_id: str = ""
    account_number: int | None = None
    company: str = ""
    job_title: str = ""
    cost_center: str = ""
    location: str = ""
    manager: str = ""
    language: str = ""
    login_types: list[int] = msgspec.field(default_factory=list)
    phone_numbers: list[PhoneNumber] = msgspec.field(default_factory=list)
    pic_url: str = ""
    personal_meeting_url: str = ""
    vanity_url: str = ""
    pronouns: str = ""
    cluster: str = ""
    jid: str = ""


class UsersPage(ZoomModel):
    """One page of ``GET /users``."""

    page_count: int | None = None
    page_number: int | None = None
    page_size: int | None = None
    total_records: int | None = None
    next_page_token: str = ""
    users: list[User] = msgspec.field(default_factory=list)


class Group(ZoomModel):
    """One group of ``GET /groups``."""

    id: str = ""
    name: str = ""
    total_members: int | None = None


class GroupsPage(ZoomModel):
    """One page of ``GET /groups``."""

    total_records: int | None = None
    next_page_token: str = ""
    groups: list[Group] = msgspec.field(default_factory=list)


class GroupMember(ZoomModel):
    """One member of ``GET /groups/{groupId}/members``."""

    id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    type: int | None = None


class GroupMembersPage(ZoomModel):
    """One page of ``GET /groups/{groupId}/members``."""

    page_count: int | None = None
    page_number: int | None = None
    page_size: int | None = None
    total_records: int | None = None
    next_page_token: str = ""
    members: list[GroupMember] = msgspec.field(default_factory=list)


class Panelist(ZoomModel):
    """One webinar panelist."""

    id: str = ""
    email: str = ""
    name: str = ""
    join_url: str = ""
    virtual_background_id: str = ""
    name_tag_id: str = ""
    name_tag_name: str = ""
    name_tag_pronouns: str = ""
    name_tag_description: str = ""


class PanelistList(ZoomModel):
    """``GET /webinars/{webinarId}/panelists`` (not paginated)."""

    total_records: int | None = None
    panelists: list[Panelist] = msgspec.field(default_factory=list)
