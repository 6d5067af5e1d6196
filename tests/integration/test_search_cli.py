"""``ecomms search`` means the same on sqlite and OpenSearch: the query suite's records are
written to each store, then searched through the command line by a reviewer's config that
names only the store (its attributes come from what the store holds)."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import msgspec
import pytest

from core.protocols import Context
from core.testing.query_samples import query_records, record_labels
from core.testing.samples import SAMPLE_ATTRIBUTES
from plugins.sinks.opensearch.sink import OpenSearchSink
from plugins.sinks.sqlite import SqliteSink
from tests.fixtures.cli import ecomms


def _context(tmp_path: Path) -> Context:
    return Context(
        name="store", state_dir=tmp_path, spool_dir=tmp_path / "spool", attributes=SAMPLE_ATTRIBUTES
    )


@pytest.fixture(params=["sqlite", pytest.param("opensearch", marks=pytest.mark.opensearch)])
def reviewer(request, tmp_path: Path) -> Path:
    """A config naming one store that already holds the query suite's records."""
    if request.param == "sqlite":
        sink = SqliteSink(SqliteSink.Config(path=str(tmp_path / "search.db")), _context(tmp_path))
        section = '[sinks.sqlite]\npath = "search.db"\n'
    else:
        url = request.getfixturevalue("opensearch_url")
        index = f"ecomms-search-cli-{uuid.uuid4().hex[:8]}"
        options = {"hosts": [url], "index": index, "refresh": "wait_for"}
        sink = OpenSearchSink(msgspec.convert(options, OpenSearchSink.Config), _context(tmp_path))
        section = f'[sinks.opensearch]\nhosts = ["{url}"]\nindex = "{index}"\n'
    sink.write(query_records(), {})
    sink.close()
    config = tmp_path / "ecomms.toml"
    config.write_text('[ecomms]\nstate_dir = "state"\n' + section)
    return config


def _search(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ecomms("--config", config, "search", "--json", "--limit", "100", *args)


def _labels(result: subprocess.CompletedProcess[str]) -> set[str]:
    assert result.returncode == 0, result.stderr
    labels = record_labels()
    return {labels[json.loads(line)["id"]] for line in result.stdout.splitlines()}


def test_a_date_only_until_includes_that_whole_day(reviewer: Path) -> None:
    everything = _labels(_search(reviewer, "--until", "2026-11-03"))
    assert len(everything) == 13 and "B.chat" in everything  # B is at 23:30 that day
    before_b = _labels(_search(reviewer, "--until", "2026-11-03T00:00:00Z"))
    assert before_b and all(label.startswith("A.") for label in before_b)
    assert _labels(_search(reviewer, "--since", "2026-11-03")) == everything - before_b


def test_participant_and_risk_category_filters(reviewer: Path) -> None:
    carol = _labels(_search(reviewer, "--where", "participant=CAROL@client.example"))
    assert len(carol) == 9 and all(label.startswith("A.") for label in carol)
    risky = _search(reviewer, "--where", "risk_category=off_channel", "--kind", "chat")
    assert _labels(risky) == {"B.chat"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "chats"), "unknown kind 'chats' (did you mean chat"),
        (("--kind", "capture"), "'capture' is not a searchable kind"),
        (("--where", "MeetingID=1"), "did you mean MeetingId?"),
        (("--where", "MeetingDurationInSecond=long"), "is an integer attribute"),
    ],
)
def test_invalid_queries_are_one_line_errors_with_the_choices(reviewer: Path, args, message):
    result = _search(reviewer, *args)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_an_unreadable_time_is_a_usage_error(reviewer: Path) -> None:
    result = _search(reviewer, "--until", "yesterday")
    assert result.returncode == 2 and "is not a date or time" in result.stderr
