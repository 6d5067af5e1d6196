"""The sqlite sink finds every record by every attribute, by text, kind, time and risk."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path

import msgspec
import pytest

from core.errors import ConfigError, QueryError
from core.protocols import Context, Query
from core.records import Record
from core.testing.samples import MEETING_ATTRIBUTE_TYPES, MEETING_ATTRIBUTES, meeting_records
from plugins.sinks.sqlite import SqliteSink


def _other(value, type_):
    """A value of the same type that differs from ``value``."""
    if type_ == "boolean":
        return not value
    if type_ == "integer":
        return value + 1
    if type_ == "date":
        when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return when + timedelta(days=1)
    if type_ == "keyword_list":
        return ["zed@other.example"]
    if type_ == "text":
        return "Annual Equity Outlook"
    return f"{value}-other"


def _cli(value) -> str:
    """How a user types a value after ``--where NAME=``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _holds(value, wanted) -> bool:
    """Whether an attribute ``value`` matches a filter for ``wanted`` (lists: any item)."""
    return wanted in value if isinstance(value, list) else value == wanted


def _meeting_b(records: list[Record]) -> list[Record]:
    """The same records for another meeting whose every attribute value differs."""
    out = []
    for record in records:
        attributes = {
            k: _other(v, MEETING_ATTRIBUTE_TYPES[k]) for k, v in record.attributes.items()
        }
        out.append(msgspec.structs.replace(record, id=record.id + "b", attributes=attributes))
    return out


@pytest.fixture
def store(tmp_path: Path):
    """A sqlite sink holding two meetings (A and B) of every record kind."""
    context = Context(
        name="sqlite",
        state_dir=tmp_path,
        spool_dir=tmp_path / "spool",
        attributes=MEETING_ATTRIBUTES,
    )
    sink = SqliteSink(SqliteSink.Config(path=str(tmp_path / "search.db")), context)
    meeting_a = meeting_records("uuid-A==", "ab" * 32, 10)
    meeting_a[-1].attributes["ParticipantsNoOptionalArchiving"] = ["dan@bank.example"]
    meeting_b = _meeting_b(meeting_a)
    sink.write(meeting_a, {})
    sink.write(meeting_b, {})
    yield sink, meeting_a, meeting_b
    sink.close()


def _ids(sink: SqliteSink, **query) -> set[str]:
    results = sink.search(Query(limit=100, **query))
    assert results.total == len(results.records)
    return {record.id for record in results.records}


@pytest.mark.parametrize("name", sorted(MEETING_ATTRIBUTE_TYPES))
def test_every_attribute_is_filterable_with_where(store, name):
    sink, meeting_a, meeting_b = store
    for mine, theirs in ((meeting_a, meeting_b), (meeting_b, meeting_a)):
        holders = [r for r in mine if r.attributes.get(name) not in (None, [])]
        assert holders, f"no sample carries {name}"
        value = holders[0].attributes[name]
        typed = value[0] if isinstance(value, list) else value
        found = _ids(sink, where={name: [_cli(typed)]})
        assert found == {r.id for r in mine + theirs if _holds(r.attributes.get(name), typed)}


def test_dates_match_by_day_prefix_and_exact_instant(store):
    sink, meeting_a, meeting_b = store
    day_a = _ids(sink, where={"MeetingCompleteTime": ["2026-10-03"]})
    assert day_a == {r.id for r in meeting_a}
    exact = _ids(sink, where={"MeetingCompleteTime": ["2026-10-04T15:00:12.25Z"]})
    assert exact == {r.id for r in meeting_b}
    assert not _ids(sink, where={"MeetingCompleteTime": ["2026-10-04T15:00:12Z"]})


def test_filters_are_and_across_attributes_and_or_within_one(store):
    sink, meeting_a, meeting_b = store
    both = _ids(sink, where={"MeetingHostId": ["host-abc", "host-abc-other"]})
    assert len(both) == len(meeting_a) + len(meeting_b)
    none = _ids(sink, where={"MeetingHostId": ["host-abc"], "MeetingIsBreakoutRoom": ["true"]})
    assert none == set()
    media_a = _ids(sink, where={"MeetingHostId": ["host-abc"], "ArchiveFileFileExtension": ["MP4"]})
    assert media_a == {r.id for r in meeting_a if r.kind == "media"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("municipal bond", "chat"),
        ("WhatsApp", "chat"),
        ("portfolio rebalancing", "transcript"),
        ('"emerging markets allocation"', "summary"),
        ("custody fees", "qa"),
        ("derivatives", "captions"),
        ("rebal*", "transcript"),
    ],
)
def test_text_search_finds_messages_lines_and_sentences(store, text, kind):
    sink, _, _ = store
    results = sink.search(Query(text=text, where={"MeetingHostId": ["host-abc"]}))
    assert [r.kind for r in results.records] == [kind]


@pytest.mark.parametrize(
    "text", ['"unbalanced', "bond)", "NEAR(a b", "AND OR NOT", "- x", "col:umn ^x", "a***"]
)
def test_punctuation_and_fts_syntax_in_user_text_never_crash(store, text):
    sink, _, _ = store
    results = sink.search(Query(text=text))
    assert results.total == len(results.records)


@pytest.mark.parametrize("text", ["-", "***", '"" ()'])
def test_text_without_a_word_is_a_clear_error(store, text):
    sink, _, _ = store
    with pytest.raises(QueryError, match="holds no word"):
        sink.search(Query(text=text))


def test_text_ranks_title_and_frequency(tmp_path):
    context = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path)
    sink = SqliteSink(SqliteSink.Config(path=str(tmp_path / "rank.db")), context)
    summary = next(r for r in meeting_records("u", "ab" * 32, 1) if r.kind == "summary")

    def note(key: str, title: str, text: str) -> Record:
        return msgspec.structs.replace(summary, id=key, title=title, text=text, attributes={})

    once = note("once", "Notes", "hedging came up once among many other topics of the day")
    often = note("often", "Notes", "hedging plan: hedging costs, hedging limits")
    titled = note("titled", "Hedging review", "costs and limits")
    fillers = [note(f"f{i}", "Notes", f"unrelated topic {i}") for i in range(6)]
    sink.write([once, *fillers, often, titled], {})
    assert [r.id for r in sink.search(Query(text="hedging")).records] == ["titled", "often", "once"]
    sink.close()


def test_kind_time_range_risk_participant_and_limit(store):
    sink, meeting_a, meeting_b = store
    everything = len(meeting_a) + len(meeting_b)
    assert len(_ids(sink, kind="chat")) == 2
    start = meeting_a[0].occurred_at
    assert len(_ids(sink, since=start, until=start)) == everything
    assert _ids(sink, since=start + timedelta(seconds=1)) == set()
    risky = _ids(sink, min_risk=50)
    assert risky == {r.id for r in meeting_a + meeting_b if r.risk and r.risk.score >= 50}
    assert _ids(sink, where={"risk_category": ["off_channel"]}) == risky
    carol = _ids(sink, where={"participant": ["CAROL@client.example"]})
    assert carol == {r.id for r in meeting_a + meeting_b if r.participants}
    limited = sink.search(Query(limit=3))
    assert len(limited.records) == 3 and limited.total == everything


def test_results_are_full_records(store):
    sink, meeting_a, _ = store
    chat = next(r for r in meeting_a if r.kind == "chat")
    found = sink.search(Query(text="WhatsApp")).records[0]
    assert found.threads[1].parent == "public"
    assert found.risk.hits[0].matched == "WhatsApp"
    assert sink.get(chat.id).threads == chat.threads
    assert sink.get("no-such-id") is None


def test_unknown_attribute_is_a_clear_error_listing_known_ones(store):
    sink, _, _ = store
    with pytest.raises(QueryError) as info:
        sink.search(Query(where={"MeetingHost": ["x"]}))
    assert "MeetingHost'" in info.value.one_line()
    assert "MeetingHostId" in info.value.one_line()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MeetingDurationInSecond", "long"),
        ("IsOptionalRecording", "maybe"),
        ("MeetingCompleteTime", "yesterday"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_clear_error(store, name, value):
    sink, _, _ = store
    with pytest.raises(QueryError, match=name):
        sink.search(Query(where={name: [value]}))


def test_rewrite_is_idempotent_and_a_changed_record_replaces_the_old(store):
    sink, meeting_a, _ = store
    total = sink.search(Query()).total
    receipt = sink.write(meeting_a, {})
    assert receipt.record_ids == [r.id for r in meeting_a]
    assert sink.search(Query()).total == total
    summary = next(r for r in meeting_a if r.kind == "summary")
    sink.write([msgspec.structs.replace(summary, text="Revised: hedging strategy agreed")], {})
    assert sink.search(Query()).total == total
    assert _ids(sink, text="hedging") == {summary.id}
    assert summary.id not in _ids(sink, text="emerging markets")


def test_a_reopened_store_knows_attribute_types_without_sources(store, tmp_path):
    sink, meeting_a, _ = store
    sink.close()
    bare = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path)
    reader = SqliteSink(SqliteSink.Config(path=str(tmp_path / "search.db")), bare)
    found = _ids(reader, where={"MeetingDurationInSecond": ["3600"]})
    assert found == {r.id for r in meeting_a}
    assert reader.attributes()["ArchiveFileIsIndividual"] == "boolean"
    reader.close()


def test_undeclared_attributes_are_stored_with_an_inferred_type(tmp_path):
    context = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path)
    sink = SqliteSink(SqliteSink.Config(path=str(tmp_path / "s.db")), context)
    record = meeting_records("u", "ab" * 32, 1)[0]
    record.attributes = {"Seats": 12, "Vip": True}
    sink.write([record], {})
    assert _ids(sink, where={"Seats": ["12"], "Vip": ["yes"]}) == {record.id}
    sink.close()


def test_check_and_verify_report_a_healthy_store(store):
    sink, _, _ = store
    assert all(f.ok for f in sink.check())
    assert all(f.ok for f in sink.verify())


def test_check_names_an_unusable_path(tmp_path):
    (tmp_path / "blocker").write_text("not a directory")
    context = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path)
    sink = SqliteSink(SqliteSink.Config(path=str(tmp_path / "blocker" / "s.db")), context)
    [finding] = sink.check()
    assert not finding.ok and "blocker" in finding.detail and finding.action


def test_registered_through_the_entry_point():
    [entry] = [e for e in entry_points(group="ecomms") if e.name == "sqlite"]
    assert SqliteSink in entry.load().ecomms_register_sinks()


def test_searching_a_path_with_no_store_is_an_error_not_an_empty_result(tmp_path):
    context = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path)
    sink = SqliteSink(SqliteSink.Config(path=str(tmp_path / "elsewhere.db")), context)
    with pytest.raises(ConfigError, match="no search store"):
        sink.search(Query(text="anything"))
    [finding] = sink.verify()
    assert not finding.ok and "elsewhere.db" in finding.detail
    assert not (tmp_path / "elsewhere.db").exists()


def test_a_version_1_store_gets_its_full_text_rebuilt_on_open(tmp_path):
    """Reading searches a copy migrated in memory (a reader changes nothing); the next
    write migrates the file itself."""
    path = tmp_path / "old.db"
    context = Context(name="sqlite", state_dir=tmp_path, spool_dir=tmp_path)
    sink = SqliteSink(SqliteSink.Config(path=str(path)), context)
    records = meeting_records("uuid-A==", "ab" * 32, 10)
    sink.write(records, {})
    sink.close()
    with closing(sqlite3.connect(path)) as old:  # as version 1 left it: no people, no folding
        old.execute("DELETE FROM records_fts")
        old.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        old.commit()
    reopened = SqliteSink(SqliteSink.Config(path=str(path)), context)
    assert _ids(reopened, text="municipal bond") == {r.id for r in records if r.kind == "chat"}
    people = {
        r.id for r in records if any(p.email == "carol@client.example" for p in r.participants)
    }
    assert people and _ids(reopened, text="carol@client.example") == people
    reopened.close()
    with closing(sqlite3.connect(path)) as store:
        assert store.execute("SELECT value FROM meta").fetchone() == ("1",)
    writer = SqliteSink(SqliteSink.Config(path=str(path)), context)
    writer.write(records[:1], {})
    writer.close()
    with closing(sqlite3.connect(path)) as store:
        assert store.execute("SELECT value FROM meta").fetchone() == ("2",)
    reread = SqliteSink(SqliteSink.Config(path=str(path)), context)
    assert _ids(reread, text="carol@client.example") == people
    reread.close()
