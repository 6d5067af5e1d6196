"""Registration checks come from the Protocols; capabilities are Protocol isinstance checks."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Protocol

from ecomms_jsonl_sink import JsonlSink

from core.components import can_search, with_capability
from core.protocols import (
    ArchiveSink,
    SearchableSink,
    Sink,
    Source,
    Transformer,
    VerifiableSink,
    WakeableSource,
)
from core.registry import missing_members, protocol_members
from core.testing import FakeSink, FakeSource, contracts
from tests.core.broken_wake_plugin import BrokenWakeSource


class _Base(Protocol):
    label: ClassVar[str]  # annotation only

    def open(self) -> None: ...

    def _private(self) -> None: ...


class _Derived(_Base, Protocol):
    def read(self) -> bytes: ...


def test_members_are_annotations_and_methods_inherited_private_excluded() -> None:
    """One small function reads a Protocol's members, as typing.get_protocol_members does."""
    assert protocol_members(_Base) == {"label", "open"}
    assert protocol_members(_Derived) == {"label", "open", "read"}


def test_members_of_the_component_protocols() -> None:
    """What a registered source, transformer and sink must have."""
    assert protocol_members(Sink) == {"name", "Config", "check", "write", "close"}
    assert protocol_members(Transformer) == {
        "name",
        "stage",
        "consumes",
        "Config",
        "attributes",
        "transform",
    }
    assert protocol_members(Source) == {
        "name",
        "platform",
        "Config",
        "attributes",
        "check",
        "pull",
        "recapture",
        "acknowledge",
        "close",
    }
    assert protocol_members(SearchableSink) == protocol_members(Sink) | {"search", "get"}
    assert protocol_members(ArchiveSink) == protocol_members(Sink) | {
        "verify",
        "stores_artifacts",
        "fetch",
        "records",
    }


def test_missing_members_names_each_gap() -> None:
    """A nameless sink without a Struct Config and without write is refused for each."""

    class Sloppy:
        name = ""
        Config = dict

        def check(self) -> list[object]:
            return []

        def close(self) -> None: ...

    assert missing_members("sinks", Sloppy) == [
        "Config (a msgspec.Struct)",
        "name (a non-empty string)",
        "write",
    ]
    assert missing_members("sinks", FakeSink) == []
    assert missing_members("sources", FakeSource) == []
    assert missing_members("sources", FakeSink) == [
        "acknowledge",
        "attributes",
        "platform",
        "pull",
        "recapture",
    ]


def test_capabilities_are_protocol_checks_on_classes_and_instances(tmp_path: Path) -> None:
    """search/verify/wait_for_work are found by isinstance on the runtime Protocols."""
    fake = FakeSink(FakeSink.Config(), contracts.contract_context(tmp_path, "fake"))
    jsonl = JsonlSink(
        JsonlSink.Config(path=str(tmp_path / "j")), contracts.contract_context(tmp_path, "j")
    )
    assert can_search(FakeSink) and can_search(fake)
    assert not can_search(JsonlSink) and not can_search(jsonl)
    assert with_capability({"f": fake, "j": jsonl}, VerifiableSink) == {"f": fake}
    assert isinstance(BrokenWakeSource, WakeableSource)

    class Sourceless:
        def wait_for_work(self, timeout: float) -> bool:
            return False

    assert not isinstance(Sourceless(), WakeableSource)  # a source's members are needed too
    assert isinstance(FakeSource, WakeableSource)
