#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run the whole suite.
# Creates .venv, installs ecomms with its test extra, the example third-party sink and the
# Zoom simulator (with the demo command),
# builds the OpenSearch test node (Java 17 + Maven) and the S3 test server (Versity S3
# Gateway, with Go, into tools/bin once), installs Prometheus (prometheus + promtool, for
# the metrics tests), type-checks and lints the code, and runs pytest: on ECOMMS_TEST_WORKERS
# (default 3) workers, one test file per worker at a time; pass -n 0 to run in one process.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    echo "installing Java 17 and Maven for the OpenSearch test node" >&2
    apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    echo "installing Prometheus for the metrics tests" >&2
    apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]" -e examples/jsonl_sink -e tools/zoom_simulator
bash tools/opensearch-node/node.sh build

if [ ! -x tools/bin/versitygw ]; then
    if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
        export PATH="/usr/local/go/bin:$PATH"
    fi
    if ! command -v go >/dev/null 2>&1; then
        # Debian's golang-go is too old for versitygw (go 1.25); a Go >= 1.21 fetches the
        # toolchain it needs through the module proxy by itself
        echo "error: the S3 test server needs the Go toolchain (1.21 or later) on PATH" >&2
        exit 1
    fi
    echo "building the S3 test server (versitygw v1.8.0) into tools/bin" >&2
    GOBIN="$PWD/tools/bin" go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi

# the code is type-checked (strict on core/, see [tool.mypy] in pyproject.toml) and linted
# before any test runs
.venv/bin/python -m mypy
.venv/bin/ruff check .

# hundreds of tests start the ecomms command: compiled once here, it does not compile every
# module at each start (also where PYTHONDONTWRITEBYTECODE keeps Python from caching them)
.venv/bin/python -m compileall -q -j 0 core plugins tools/zoom_simulator examples \
    "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    >/dev/null || true

set +e
.venv/bin/python -m pytest -n "${ECOMMS_TEST_WORKERS:-3}" --dist loadfile "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit "$rc"
