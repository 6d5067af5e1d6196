"""Each simulator fault switch: the capture still ends complete and correct, and nothing is
tagged for deletion that was not verified and committed."""

from __future__ import annotations

import pytest

from tests.fixtures.zoom_simulator import mint_token
from tests.zoom_ecomms.source.conftest import parts

FAULTS = [
    ["429_burst:3"],
    ["5xx:0.2"],
    ["slow:0.05"],
    ["token_expiry:5"],
    ["page_token_expiry"],
    ["truncated_download"],
    ["dropped_download"],
    ["corrupt_download"],
    ["html_download"],
]


def capture(source, stored_receipt):
    """Pull everything, acknowledge every good unit; return {uuid: {part: sha}}, a part named
    by its id for archive files and ``role/id`` otherwise (the listing object aside: its
    download URLs name the simulator's port)."""
    result, failures = {}, []
    for unit in source.pull(None):
        if unit.failure is not None:
            failures.append(unit)
            continue
        result[unit.key] = {
            f.file_id if f.role == "file" else f"{f.role}/{f.file_id}": f.sha256
            for f in unit.files
            if f.meta.get("payload") != "meeting"
        }
        assert unit.gaps == [g for g in unit.gaps if g.kind == "file" or "3001" in g.reason]
        source.acknowledge(unit, [stored_receipt(unit)])
    return result, failures


STATUS_OF_FAULT = {"429_burst": 429, "5xx": 503, "token_expiry": 401, "page_token_expiry": 400}


def fault_happened(sim, fault: str, files: int) -> bool:
    """Evidence in the simulator's log that the fault really hit the capture."""
    name = fault.split(":")[0]
    seen = sim.inspect()
    if name in STATUS_OF_FAULT:
        return any(r["status"] == STATUS_OF_FAULT[name] for r in seen["requests"])
    if name.endswith("_download"):
        return sum(seen["downloads"].values()) > files
    return True  # slow: nothing to count


@pytest.mark.parametrize("faults", FAULTS, ids=lambda f: f[0])
def test_capture_is_complete_under_fault(
    faults, zoom_simulator_factory, make_source, stored_receipt
):
    clean_sim = zoom_simulator_factory(meetings=4, seed=11)
    expected, _ = capture(make_source(clean_sim, name="clean", page_size=2), stored_receipt)
    assert expected, "the clean account has meetings to capture"
    sim = zoom_simulator_factory(meetings=4, seed=11, faults=faults)
    got, failures = capture(
        make_source(sim, name="faulty", page_size=2, auto_delete=True), stored_receipt
    )
    assert failures == []
    if faults[0].startswith("corrupt"):  # Zoom gives no fingerprint for chat attachments:
        for found in (got, expected):  # a byte the server flips in one cannot be detected
            for parts_of in found.values():
                for name in [n for n in parts_of if n.startswith("attachment/")]:
                    del parts_of[name]
    assert got == expected
    files = {fid for found in got.values() for fid in found if "/" not in fid}
    assert fault_happened(sim, faults[0], len(files))
    committed = files
    assert sorted(sim.inspect()["tagged_for_deletion"]) == sorted(committed)


def test_a_token_revoked_mid_capture_is_replaced_and_nothing_is_lost(
    zoom_simulator_factory, make_source, stored_receipt
):
    clean_sim = zoom_simulator_factory(meetings=4, seed=11)
    expected, _ = capture(make_source(clean_sim, name="clean", workers=1), stored_receipt)
    expected = {k: {f: s for f, s in v.items() if "/" not in f} for k, v in expected.items()}
    sim = zoom_simulator_factory(meetings=4, seed=11, faults=["invalidate_on_mint"])
    source = make_source(sim, name="revoked", workers=1)
    got: dict[str, dict[str, str]] = {}
    for unit in source.pull(None):
        assert unit.failure is None, unit.failure
        got[unit.key] = {f.file_id: f.sha256 for f in parts(unit)}
        if len(got) == 1:
            mint_token(sim)  # another client of the same app: the source's token is revoked
    assert got == expected
    seen = sim.inspect()
    assert any(r["status"] == 401 for r in seen["requests"]) and seen["tokens_minted"] >= 3


@pytest.mark.parametrize(
    "fault", ["corrupt_download:always", "truncated_download:always", "html_download:always"]
)
def test_file_that_never_verifies_is_dead_lettered_not_tagged(
    fault, zoom_simulator_factory, make_source, stored_receipt
):
    sim = zoom_simulator_factory(meetings=2, faults=[fault])
    source = make_source(sim, auto_delete=True, download_attempts=2)
    units = list(source.pull(None))
    failed = [u for u in units if u.failure is not None]
    assert failed
    for unit in failed:
        assert unit.files == []
        assert "file " in unit.failure.message and "after 2 attempts" in unit.failure.message
        assert not parts(unit)
        source.acknowledge(unit, [stored_receipt(unit)])
    assert sim.inspect()["tagged_for_deletion"] == []
