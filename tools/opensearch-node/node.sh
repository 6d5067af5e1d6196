#!/usr/bin/env bash
# Build, start and stop one real OpenSearch node (2.19, Java 17) bound to 127.0.0.1.
#
#   bash tools/opensearch-node/node.sh build                 # resolve jars with Maven, compile
#   bash tools/opensearch-node/node.sh start [--port P] [--home DIR]   # background; prints URL
#   bash tools/opensearch-node/node.sh stop [--home DIR]     # SIGTERM, then KILL after 30 s
#   bash tools/opensearch-node/node.sh run --port P --home DIR [--exit-with-parent]
#                                                            # foreground (used by the tests)
# Every path is resolved relative to this script, so it runs from any directory.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="$HERE/target"
STATE="$TARGET/node-home"   # remembers the home of the node started by `start`

die() { echo "node.sh: $*" >&2; exit 1; }

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

# Pick a Java 17: $JAVA_HOME, then `java` on PATH, then the other JVMs installed beside it.
find_java() {
  local candidates=() onpath root
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  if onpath="$(command -v java 2>/dev/null)"; then
    candidates+=("$onpath")
    root="$(dirname "$(dirname "$(dirname "$(readlink -f "$onpath")")")")"
    for dir in "$root"/*17*; do
      [[ -x "$dir/bin/java" ]] && candidates+=("$dir/bin/java")
    done
  fi
  for java in "${candidates[@]}"; do
    if [[ "$(java_major "$java")" == "17" ]]; then
      echo "$java"
      return 0
    fi
  done
  die "no Java 17 found (tried \$JAVA_HOME, PATH and the JVMs beside it); install openjdk-17-jdk-headless"
}

cmd_build() {
  local java
  java="$(find_java)"
  command -v mvn >/dev/null 2>&1 || die "Maven not found; install maven"
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java")")")" \
    mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" -DskipTests package
  echo "built: $TARGET/classes and $(ls "$TARGET/dependency" | wc -l) jars in $TARGET/dependency"
}

require_built() {
  [[ -d "$TARGET/classes/io" && -d "$TARGET/dependency" ]] \
    || die "module not built; run: bash tools/opensearch-node/node.sh build"
}

parse_args() {
  PORT="9250-9299"
  HOME_DIR=""
  EXTRA=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) PORT="$2"; shift 2 ;;
      --home) HOME_DIR="$2"; shift 2 ;;
      --exit-with-parent) EXTRA+=("--exit-with-parent"); shift ;;
      *) die "unknown argument: $1" ;;
    esac
  done
}

cmd_run() {
  parse_args "$@"
  require_built
  [[ -n "$HOME_DIR" ]] || die "run needs --home DIR"
  local java
  java="$(find_java)"
  exec "$java" -Xms512m -Xmx1g -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
    -Djava.locale.providers=SPI,COMPAT -Djna.nosys=true -Dlog4j2.disable.jmx=true \
    -Dlog4j.shutdownHookEnabled=false -Dio.netty.noUnsafe=true \
    -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
    -cp "$TARGET/classes:$TARGET/dependency/*" io.ecomms.opensearchnode.EmbeddedOpenSearch \
    --home "$HOME_DIR" --http-port "$PORT" "${EXTRA[@]}"
}

cmd_start() {
  parse_args "$@"
  require_built
  [[ -n "$HOME_DIR" ]] || HOME_DIR="$(mktemp -d -t ecomms-opensearch.XXXXXX)"
  mkdir -p "$HOME_DIR" "$TARGET"
  local log="$HOME_DIR/node.log"
  nohup bash "$HERE/node.sh" run --port "$PORT" --home "$HOME_DIR" >"$log" 2>&1 &
  echo $! >"$HOME_DIR/node.pid"
  echo "$HOME_DIR" >"$STATE"
  for _ in $(seq 1 240); do
    if grep -q '^OPENSEARCH_READY' "$log"; then
      grep '^OPENSEARCH_READY' "$log" | awk '{print $2}'
      return 0
    fi
    kill -0 "$(cat "$HOME_DIR/node.pid")" 2>/dev/null || { tail -n 80 "$log" >&2; die "node exited"; }
    sleep 0.5
  done
  tail -n 80 "$log" >&2
  die "node not ready after 120 s (log: $log)"
}

cmd_stop() {
  parse_args "$@"
  [[ -n "$HOME_DIR" ]] || HOME_DIR="$(cat "$STATE" 2>/dev/null || true)"
  [[ -n "$HOME_DIR" && -f "$HOME_DIR/node.pid" ]] || die "no started node found"
  local pid
  pid="$(cat "$HOME_DIR/node.pid")"
  kill -TERM "$pid" 2>/dev/null || { echo "not running"; return 0; }
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { echo "stopped"; rm -f "$HOME_DIR/node.pid"; return 0; }
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
  echo "killed after 30 s"
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  run) shift; cmd_run "$@" ;;
  *) die "usage: node.sh build | start [--port P] [--home DIR] | stop [--home DIR] | run --port P --home DIR" ;;
esac
