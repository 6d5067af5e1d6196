"""Configuration: TOML file, ``ECOMMS__SECTION__KEY`` environment overrides and secrets.

The file is ``--config FILE``, else ``$ECOMMS_CONFIG``, else ``./ecomms.toml``. Sections:
``[ecomms]`` (host settings, :class:`HostSettings`), ``[sources.NAME]``,
``[transformers.NAME]`` and ``[sinks.NAME]``: component instances with optional ``plugin``
(defaults to NAME) and ``enabled`` (default true) keys; the rest of a table becomes the
component's own msgspec ``Config`` (see :func:`convert_component`). A value
``{ env = "VAR" }`` is kept as a :class:`SecretRef` when the file loads and read from the
environment, as a :class:`Secret`, only when a component that needs it is built: commands
that only read the archive never need the capture credentials.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import msgspec

from core.errors import ConfigError
from core.secrets import PLACEHOLDER, Secret, SecretRef

__all__ = [
    "CATEGORIES",
    "MIN_POLL_INTERVAL",
    "ComponentSection",
    "HostSettings",
    "MetricsSettings",
    "Secret",
    "SecretRef",
    "Settings",
    "convert_component",
    "find_config",
    "load_settings",
]

CATEGORIES = ("sources", "transformers", "sinks")
MIN_POLL_INTERVAL = 10.0  # seconds: polling more often only spends the source's API budget
_ENV_PREFIX = "ECOMMS__"


class HostSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``[ecomms]`` section.

    ``state_dir`` is relative to the config file's directory; ``max_attempts`` counts
    failed captures of a unit before it is dead-lettered; ``poll_interval`` is the pause
    between passes of a continuous run (seconds, at least :data:`MIN_POLL_INTERVAL`: a
    source that hears of new work, such as a webhook, wakes the run sooner);
    ``sink_retries`` / ``sink_backoff`` (seconds, doubled each time) govern retries of an
    unreachable sink.
    """

    state_dir: str = ".ecomms"
    max_attempts: int = 5
    poll_interval: float = 300.0
    sink_retries: int = 3
    sink_backoff: float = 2.0
    log_level: str = "INFO"


class MetricsSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``[metrics]`` section (docs/operations.md).

    With ``enabled``, ``ecomms run`` serves ``/metrics``, ``/healthz`` and ``/readyz`` on
    ``address`` (``HOST:PORT``); ``/readyz`` fails when no pass succeeded within the last
    ``ready_intervals`` poll intervals or a sink's last write failed.
    """

    enabled: bool = False
    address: str = "127.0.0.1:9464"
    ready_intervals: Annotated[int, msgspec.Meta(ge=1)] = 3

    def __post_init__(self) -> None:
        from core.metrics.server import parse_address  # only the run loads prometheus_client

        parse_address(self.address)  # a malformed address fails every command, as a typo does


class ComponentSection(msgspec.Struct, kw_only=True):
    """One ``[CATEGORY.NAME]`` table: instance name, plugin component name, options.

    ``options`` holds secrets as unresolved :class:`SecretRef` values; read them through
    :func:`convert_component`.
    """

    category: str
    name: str
    plugin: str
    enabled: bool = True
    options: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def key_path(self) -> str:
        """``sinks.sqlite``: the prefix of this section's keys in error messages."""
        return f"{self.category}.{self.name}"


class Settings(msgspec.Struct, kw_only=True):
    """The loaded configuration: host settings plus component sections in file order."""

    base_dir: Path
    host: HostSettings = msgspec.field(default_factory=HostSettings)
    metrics: MetricsSettings = msgspec.field(default_factory=MetricsSettings)
    sources: list[ComponentSection] = msgspec.field(default_factory=list)
    transformers: list[ComponentSection] = msgspec.field(default_factory=list)
    sinks: list[ComponentSection] = msgspec.field(default_factory=list)
    path: Path | None = None

    @property
    def state_dir(self) -> Path:
        """The absolute state directory."""
        return (self.base_dir / self.host.state_dir).resolve()

    def sections(self, category: str) -> list[ComponentSection]:
        """The sections of one category (``sources``, ``transformers`` or ``sinks``)."""
        found: list[ComponentSection] = getattr(self, category)
        return found


def find_config(explicit: str | Path | None, env: Mapping[str, str] | None = None) -> Path:
    """``explicit``, else ``$ECOMMS_CONFIG``, else ``./ecomms.toml``."""
    env = os.environ if env is None else env
    return Path(explicit or env.get("ECOMMS_CONFIG") or "ecomms.toml")


def load_settings(path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the config file and apply environment overrides.

    Secrets stay :class:`SecretRef` references until a component needing them is built.
    """
    env = os.environ if env is None else env
    if not path.is_file():
        raise ConfigError(
            f"config file not found: {path} (pass --config FILE or set ECOMMS_CONFIG)"
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return settings_from_dict(raw, path.resolve().parent, env, path=path)


def settings_from_dict(
    raw: dict[str, Any], base_dir: Path, env: Mapping[str, str], path: Path | None = None
) -> Settings:
    """Validate an already parsed config table (after applying ``env`` overrides)."""
    raw = _apply_overrides(raw, env)
    for key in raw:
        if key not in ("ecomms", "metrics", *CATEGORIES):
            raise ConfigError(
                f"{key}: unknown section (expected ecomms, metrics, sources, transformers, sinks)"
            )
    host = _convert(raw.get("ecomms", {}), HostSettings, "ecomms")
    if not host.poll_interval >= MIN_POLL_INTERVAL:
        raise ConfigError(
            f"ecomms.poll_interval: {host.poll_interval:g} s is below the minimum of"
            f" {MIN_POLL_INTERVAL:g} s; polling more often only spends the API budget"
            " (a webhook wakes a run as soon as new work is ready)"
        )
    metrics = _convert(raw.get("metrics", {}), MetricsSettings, "metrics")
    settings = Settings(base_dir=base_dir, host=host, metrics=metrics, path=path)
    for category in CATEGORIES:
        table = raw.get(category, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{category}: expected a table of [{category}.NAME] sections")
        for name, body in table.items():
            settings.sections(category).append(_section(category, name, body, env))
    return settings


def _section(category: str, name: str, body: Any, env: Mapping[str, str]) -> ComponentSection:
    where = f"{category}.{name}"
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: expected a table, got {type(body).__name__}")
    options = dict(body)
    plugin = options.pop("plugin", name)
    enabled = options.pop("enabled", True)
    if not isinstance(plugin, str):
        raise ConfigError(f"{where}.plugin: expected str, got {type(plugin).__name__}")
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}.enabled: expected bool, got {type(enabled).__name__}")
    options = _secret_refs(options, where, env)
    return ComponentSection(
        category=category, name=name, plugin=plugin, enabled=enabled, options=options
    )


def _secret_refs(value: Any, where: str, env: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"env"} and isinstance(value["env"], str):
            return SecretRef(value["env"], where, env)
        return {k: _secret_refs(v, f"{where}.{k}", env) for k, v in value.items()}
    if isinstance(value, list):
        return [_secret_refs(v, f"{where}[{i}]", env) for i, v in enumerate(value)]
    return value


def _with_secrets(value: Any, resolve: bool) -> Any:
    """``value`` with every :class:`SecretRef` resolved (or replaced by a placeholder)."""
    if isinstance(value, SecretRef):
        return value.resolve() if resolve else PLACEHOLDER
    if isinstance(value, dict):
        return {k: _with_secrets(v, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_secrets(v, resolve) for v in value]
    return value


def _apply_overrides(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    raw = _deep_copy(raw)
    for var in sorted(env):
        if not var.startswith(_ENV_PREFIX):
            continue
        parts = [p.lower() for p in var[len(_ENV_PREFIX) :].split("__") if p]
        if len(parts) < 2:
            raise ConfigError(f"{var}: expected ECOMMS__SECTION__KEY", variable=var)
        table = raw
        for part in parts[:-1]:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                raise ConfigError(f"{var}: {part} is not a table", variable=var)
        table[parts[-1]] = _parse_value(env[var])
    return raw


def _parse_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    return value


def _dec_hook(type_: type, obj: Any) -> Any:
    if type_ is Secret:
        if isinstance(obj, Secret):
            return obj
        raise ValueError('expected a secret written as { env = "VARIABLE" }')
    if type_ is Path and isinstance(obj, str):
        return Path(obj)
    raise NotImplementedError


_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<field>[^`]+)`")


def _convert(options: Mapping[str, Any], struct: type, where: str) -> Any:
    try:
        return msgspec.convert(dict(options), struct, dec_hook=_dec_hook, str_keys=True)
    except msgspec.ValidationError as exc:
        raise ConfigError(_explain(str(exc), where)) from None


def _explain(message: str, where: str) -> str:
    match = _AT.match(message)
    msg, path = (match["msg"], match["path"] or "") if match else (message, "")
    path = re.sub(r"\[(\d+)\]", r"[\1]", path)
    unknown = _UNKNOWN.match(msg)
    if unknown:
        return f"{where}{path}.{unknown['field']}: unknown key"
    msg = msg.replace("`", "")
    if msg.endswith(", got Secret"):
        return (
            f"{where}{path}: {msg[0].lower()}{msg[1 : -len('Secret')]}an environment reference"
            " ({ env = ... }); only secret options are read from the environment"
            " (use an ECOMMS__SECTION__KEY override instead)"
        )
    if msg.startswith("Object missing required field "):
        return f"{where}{path}.{msg.split()[-1]}: required key is missing"
    return f"{where}{path}: {msg[0].lower()}{msg[1:]}"


def convert_component(config_cls: type, section: ComponentSection, resolve: bool = True) -> Any:
    """Build a component's ``Config`` from its section; errors name the full key path.

    Secrets are read from the environment first (a missing variable is a ``ConfigError``
    naming it). ``resolve=False`` only validates: every secret is a placeholder that reads
    no variable, and the result must not be used to build the component.
    """
    return _convert(_with_secrets(section.options, resolve), config_cls, section.key_path)
