"""The wheel built from the project ships the product and only the product.

It is built with ``pip wheel`` from a copy of the files a clean clone has (tracked, plus
new files not ignored), so a build never leaves ``build/`` or ``*.egg-info`` in the
checkout and stale build output cannot leak into the wheel. The core test kit
(``core/testing/``) is shipped on purpose: plugin authors subclass its contracts.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_PLUGINS = {"zoom_ecomms", "filesystem", "sqlite", "opensearch", "s3", "policies"}


def _clean_clone_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    """The product's wheel, built from a copy of the checkout."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in _clean_clone_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    (built,) = out.glob("ecomms-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def _files(wheel: zipfile.ZipFile) -> list[str]:
    return [name for name in wheel.namelist() if ".dist-info/" not in name]


def test_the_wheel_holds_every_module_and_data_file_of_core_and_plugins(wheel) -> None:
    """Every source file of the product, package data included, is in the wheel."""
    product = [
        name
        for name in _clean_clone_files()
        if name.startswith(("core/", "plugins/")) and not name.endswith(".pyc")
    ]
    assert set(product) <= set(_files(wheel))
    for needed in (
        "core/cli.py",
        "core/testing/__init__.py",
        "core/testing/contracts.py",
        "core/testing/fakes.py",
        "plugins/zoom_ecomms/source.py",
        "plugins/sinks/opensearch/dashboards/ecomms.ndjson",
        "plugins/sinks/opensearch/dashboards/ism_policy.json",
        "plugins/policies/packs/financial_services.toml",
    ):
        assert needed in wheel.namelist()


def test_the_wheel_holds_nothing_but_the_product(wheel) -> None:
    """No simulator, demo, tests, eval data, test node, benchmarks or examples."""
    files = _files(wheel)
    assert {name.split("/")[0] for name in files} == {"core", "plugins"}
    for name in files:
        assert "simulator" not in name and "demo" not in name, name
        assert not name.endswith(".jsonl"), name
        assert "/eval/" not in name and "/tests/" not in name, name
        assert "opensearch-node" not in name, name


def test_the_wheel_declares_only_the_product_plugins(wheel) -> None:
    """The ``ecomms`` entry points are the product's own; the simulator is not among them."""
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    points = configparser.ConfigParser()
    points.read_string(wheel.read(name).decode())
    assert set(points["ecomms"]) == PRODUCT_PLUGINS
    assert points["console_scripts"]["ecomms"] == "core.cli:main"
    for module in points["ecomms"].values():
        assert module.replace(".", "/") + ".py" in wheel.namelist()
