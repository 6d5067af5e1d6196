"""The simulator's hostile switches against the source (its own implementation of what
tests/zoom_ecomms/source/proxy.py fakes elsewhere): poison never blocks, every transfer is
bounded, an echoed token is never kept, revoked tokens are replaced."""

from __future__ import annotations

import pytest

from core.errors import AuthError, EcommsError, PayloadError, TransientError
from tests.zoom_ecomms.source.conftest import parts
from tests.zoom_ecomms.source.test_bounds import finish


def test_poison_listing_fails_only_the_poisoned_objects(zoom_simulator_factory, make_source):
    clean = {u.key for u in make_source(zoom_simulator_factory(seed=3), name="c").pull(None)}
    sim = zoom_simulator_factory(seed=3, faults=["poison_listing"])
    units = list(make_source(sim, name="p").pull(None))
    good = [u for u in units if u.failure is None]
    failed = [u for u in units if u.failure is not None]
    assert clean <= {u.key for u in good}  # every real meeting still captured
    assert len(failed) >= 7 and all(u.files == [] for u in failed)
    collided = [
        u for u in good if any(f.file_id.lower().startswith("poison-file") for f in parts(u))
    ]
    for unit in collided:  # the files a naive sanitiser would mix up: distinct, each verified
        files = [f for f in parts(unit) if f.file_id.lower().startswith("poison-file")]
        assert len({f.path for f in files}) == len(files) == 3
        assert all(f.sha256 == f.meta["encryption_fingerprint"] for f in files)
    paths = [r["path"] for r in sim.inspect()["requests"]]
    assert not [p for p in paths if "/../" in p or p.endswith("/..") or "/./" in p]


@pytest.mark.parametrize(
    ("fault", "options", "error", "message"),
    [
        ("gzip_bomb:1", {"max_response_mb": 4}, PayloadError, "response larger than 4 MiB"),
        ("trickle_listing", {"request_deadline_seconds": 1, "max_attempts": 1}, TransientError,
         "no complete answer within the deadline"),
        ("endless_pages", {}, PayloadError, "next_page_token"),
    ],
)  # fmt: skip
def test_a_hostile_listing_ends_the_pass_with_one_clear_error(
    fault, options, error, message, zoom_simulator_factory, make_source
):
    source = make_source(zoom_simulator_factory(meetings=2, faults=[fault]), **options)
    with pytest.raises(error, match=message):
        finish(lambda: list(source.pull(None)))


def test_a_trickling_download_fails_its_unit_at_its_deadline(zoom_simulator_factory, make_source):
    sim = zoom_simulator_factory(meetings=1, faults=["trickle_download"])
    source = make_source(
        sim, request_deadline_seconds=1, download_min_bytes_per_second=10**9, download_attempts=1
    )
    units = finish(lambda: list(source.pull(None)))
    assert units and all(u.failure is not None for u in units if parts(u) == [])
    assert any("no complete body within the deadline" in u.failure.message for u in units)


def test_an_echoed_token_is_kept_nowhere(zoom_simulator_factory, make_source):
    sim = zoom_simulator_factory(meetings=2, faults=["echo_token:40"])
    source = make_source(sim)
    try:
        units = list(source.pull(None))
    except EcommsError as exc:  # the listing itself may be the call that echoed
        units, texts = [], [exc.one_line()]
    else:
        texts = [u.failure.message for u in units if u.failure] + [
            g.reason for u in units for g in u.gaps
        ]
    token = source.provider.token()
    assert texts and all(token not in text for text in texts)
    assert any("[redacted]" in text for text in texts)


def test_revoked_tokens_are_replaced_and_a_dead_app_stops_the_pass(
    zoom_simulator_factory, make_source
):
    clean = {u.key for u in make_source(zoom_simulator_factory(seed=9), name="c").pull(None)}
    sim = zoom_simulator_factory(seed=9, faults=["revoke_tokens:5"])
    units = list(make_source(sim, name="r", workers=1).pull(None))
    assert {u.key for u in units if u.failure is None} == clean
    dead = zoom_simulator_factory(seed=9, faults=["revoke_tokens_no_remint:5"])
    source = make_source(dead, name="d", workers=1)
    with pytest.raises(AuthError):
        list(source.pull(None))  # not one failed unit per meeting: the run stops
