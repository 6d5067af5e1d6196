"""The ``[sinks.s3]`` section: retention must be chosen, sizes are sane, secrets stay hidden."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.config import ComponentSection, SecretRef, convert_component
from core.errors import ConfigError
from plugins.sinks.s3.config import S3Config


def _convert(**options: object) -> S3Config:
    section = ComponentSection(category="sinks", name="s3", plugin="s3", options=options)
    return convert_component(S3Config, section)


def test_retention_has_no_default_and_only_one_unit():
    with pytest.raises(ConfigError, match=r"sinks\.s3: set exactly one of retention_days"):
        _convert(bucket="b")
    with pytest.raises(ConfigError, match="exactly one"):
        _convert(bucket="b", retention_days=1, retention_years=1)
    config = _convert(bucket="b", retention_years=6, retention_by_kind={"capture": 3000})
    assert config.retention_mode == "COMPLIANCE" and config.prefix == "ecomms/"
    assert config.retention_for(["chat"]) == timedelta(days=6 * 365.25)
    assert config.retention_for(["chat", "capture"]) == timedelta(days=3000)
    moment = datetime(2026, 1, 1, 0, 0, 0, 500, tzinfo=UTC)
    assert config.until(timedelta(seconds=1), moment) == datetime(2026, 1, 1, 0, 0, 2, tzinfo=UTC)


def test_bad_options_name_their_key():
    with pytest.raises(ConfigError, match=r"sinks\.s3\.retention_mod: unknown key"):
        _convert(bucket="b", retention_days=1, retention_mod="COMPLIANCE")
    with pytest.raises(ConfigError, match="retention_mode"):
        _convert(bucket="b", retention_days=1, retention_mode="compliance-ish")
    with pytest.raises(ConfigError, match="part_size_mib: at least 5"):
        _convert(bucket="b", retention_days=1, part_size_mib=1)
    with pytest.raises(ConfigError, match="secret_access_key: required with access_key_id"):
        _convert(bucket="b", retention_days=1, access_key_id="AKIA")
    with pytest.raises(ConfigError, match="S3_SECRET is not set"):
        _convert(
            bucket="b",
            retention_days=1,
            access_key_id="AKIA",
            secret_access_key=SecretRef("S3_SECRET", "sinks.s3.secret_access_key", {}),
        )


def test_the_secret_never_shows():
    ref = SecretRef("S3_SECRET", "sinks.s3.secret_access_key", {"S3_SECRET": "hunter2-secret"})
    config = _convert(bucket="b", retention_days=1, access_key_id="AKIA", secret_access_key=ref)
    assert "hunter2-secret" not in repr(config)
    assert config.secret_access_key is not None
    assert config.secret_access_key.reveal() == "hunter2-secret"


def test_parts_grow_to_stay_within_ten_thousand():
    config = _convert(bucket="b", retention_days=1, part_size_mib=5)
    assert config.part_size_for(1 << 30) == 5 << 20
    assert -(-(200 << 30) // config.part_size_for(200 << 30)) <= 10_000
