#!/usr/bin/env bash
# Orrery developer entry point.
#   ./orrery.sh up     install what is missing, build, and run Orrery
#   ./orrery.sh test   install what is missing, build, and run the whole test suite
#   ./orrery.sh build  install what is missing and build only
#   ./orrery.sh bench  build and run the benchmarks in bench/
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="${ORRERY_BUILD_DIR:-$ROOT/build}"
JOBS="${ORRERY_JOBS:-2}"

log() { printf 'orrery: %s\n' "$*" >&2; }

install_deps() {
  "$ROOT/scripts/install-deps.sh"
}

# configure_and_build BUILD_DIR [extra cmake args...]
configure_and_build() {
  local dir="$1"; shift
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    # Fresh clones in other folders share the cache: paths are rewritten relative to the tree.
    export CCACHE_BASEDIR="$ROOT"
    export CCACHE_NOHASHDIR=1
  fi
  if [ ! -f "$dir/build.ninja" ]; then
    log "configuring in $dir"
    cmake -S "$ROOT" -B "$dir" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DORRERY_WERROR=ON \
      "${launcher[@]}" "$@" ${ORRERY_CMAKE_ARGS:-}
  fi
  log "building $dir (-j$JOBS)"
  cmake --build "$dir" -j "$JOBS"
}

# The quick start's state: a CA, the master's store and the agent's data. Kept between runs.
STATE_DIR="${ORRERY_STATE_DIR:-$ROOT/.orrery}"
API_PORT="${ORRERY_API_PORT:-8443}"
AGENT_PORT="${ORRERY_AGENT_PORT:-8442}"

# wait_for_line FILE PATTERN PID: until FILE has a line matching PATTERN, or PID is gone.
wait_for_line() {
  local file="$1" pattern="$2" pid="$3" i
  for i in $(seq 1 300); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

cmd_up() {
  install_deps
  configure_and_build "$BUILD_DIR"
  local ctl="$BUILD_DIR/cli/orreryctl" master="$BUILD_DIR/master/orrery-master"
  local agent="$BUILD_DIR/agent/orrery-agent"
  log "validating the example files in examples/"
  "$ctl" validate "$ROOT"/examples/*.yaml

  mkdir -p "$STATE_DIR" "$STATE_DIR/agent"
  chmod 700 "$STATE_DIR"
  if [ ! -f "$STATE_DIR/pki/ca.crt" ]; then
    log "creating a private CA and the master's certificate in $STATE_DIR/pki"
    "$ctl" pki init "$STATE_DIR/pki" --name localhost --name "$(hostname)" >/dev/null
  fi
  cat > "$STATE_DIR/master.yaml" <<YAML
# Written by ./orrery.sh up (quick start). See docs/configuration.md.
listen_address: 127.0.0.1
api_port: $API_PORT
agent_port: $AGENT_PORT
data_dir: data
tls:
  certificate: pki/master.crt
  private_key: pki/master.key
log_level: info
YAML
  local env_file="$STATE_DIR/quickstart.env" token=""
  if [ -f "$env_file" ]; then
    token="$(sed -n 's/^ORRERY_TOKEN=//p' "$env_file")"
  fi
  if [ -z "$token" ]; then
    token="$("$master" admin-token --config "$STATE_DIR/master.yaml" --name quickstart | tail -n 1)"
  fi
  umask 077
  cat > "$env_file" <<ENV
ORRERY_URL=https://localhost:$API_PORT
ORRERY_TOKEN=$token
ORRERY_CA=$STATE_DIR/pki/ca.crt
ENV
  umask 022

  MASTER_PID=""
  AGENT_PID=""
  stop_all() {
    trap - INT TERM EXIT
    log "stopping"
    [ -n "$AGENT_PID" ] && kill -TERM "$AGENT_PID" 2>/dev/null || true
    [ -n "$MASTER_PID" ] && kill -TERM "$MASTER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
  }
  trap stop_all INT TERM EXIT

  log "starting orrery-master (log: $STATE_DIR/master.log)"
  "$master" --config "$STATE_DIR/master.yaml" >"$STATE_DIR/master.out" 2>"$STATE_DIR/master.log" &
  MASTER_PID=$!
  if ! wait_for_line "$STATE_DIR/master.out" ready "$MASTER_PID"; then
    log "orrery-master did not start:"
    cat "$STATE_DIR/master.log" >&2
    exit 1
  fi

  # One local agent; it enrols once with a one-time token and keeps its credential.
  local enrol_line=""
  if [ ! -f "$STATE_DIR/agent/credential" ]; then
    "$master" enrol-token --config "$STATE_DIR/master.yaml" | tail -n 1 > "$STATE_DIR/agent/enrol-token"
    enrol_line="enrol_token_file = $STATE_DIR/agent/enrol-token"
  fi
  local allow_root="false"
  [ "$(id -u)" = 0 ] && allow_root="true"
  cat > "$STATE_DIR/agent/agent.conf" <<INI
# Written by ./orrery.sh up (quick start). See docs/configuration.md.
[agent]
master_urls = wss://localhost:$AGENT_PORT
ca_file = $STATE_DIR/pki/ca.crt
node_name = $(hostname)
data_dir = $STATE_DIR/agent
labels = role=quickstart
allow_root = $allow_root
$enrol_line
INI
  log "starting orrery-agent (log: $STATE_DIR/agent.log)"
  "$agent" --config "$STATE_DIR/agent/agent.conf" >>"$STATE_DIR/agent.log" 2>&1 &
  AGENT_PID=$!

  export ORRERY_URL="https://localhost:$API_PORT" ORRERY_TOKEN="$token" ORRERY_CA="$STATE_DIR/pki/ca.crt"
  log "loading the example pipeline and the backup template"
  "$ctl" apply "$ROOT/examples/data_pipeline.yaml"
  "$ctl" apply "$ROOT/examples/database_backup.yaml" --set database_host=localhost
  sleep 1
  "$ctl" nodes list
  "$ctl" jobs list
  cat >&2 <<MSG

Orrery is running.
  REST API   https://localhost:$API_PORT/api/v1   (OpenAPI: /api/v1/openapi.json)
  agents     wss://localhost:$AGENT_PORT
  CA         $STATE_DIR/pki/ca.crt
  token      $token   (admin)
  env file   $env_file   (ORRERY_URL, ORRERY_TOKEN, ORRERY_CA)
Try:  $ctl job run data_extract && $ctl runs list
      curl --cacert $STATE_DIR/pki/ca.crt -H "Authorization: Bearer \$ORRERY_TOKEN" https://localhost:$API_PORT/api/v1/tasks
Press Ctrl-C to stop; running ./orrery.sh up again reuses $STATE_DIR.
MSG
  # In CI or with ORRERY_UP_ONCE=1 the quick start checks that it works and stops.
  if [ "${ORRERY_UP_ONCE:-0}" = 1 ]; then
    return 0
  fi
  wait "$MASTER_PID"
}

cmd_test() {
  install_deps
  configure_and_build "$BUILD_DIR"
  log "running the test suite"
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600
  # The same tests once more under AddressSanitizer and UndefinedBehaviorSanitizer
  # (tests labelled no_sanitize are left out there). ORRERY_SKIP_SANITIZE=1 skips this pass.
  if [ "${ORRERY_SKIP_SANITIZE:-0}" != 1 ]; then
    configure_and_build "$BUILD_DIR-asan" -DCMAKE_BUILD_TYPE=Debug \
      "-DORRERY_SANITIZE=address;undefined" -DORRERY_BUILD_BENCH=OFF
    log "running the test suite under address and undefined-behaviour sanitizers"
    # Leaks inside OpenSSL at process exit are Qt's TLS plugin's, not ours (tests/lsan.supp).
    export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
    ctest --test-dir "$BUILD_DIR-asan" --output-on-failure -j "$JOBS" --timeout 900 -LE no_sanitize
  fi
}

cmd_bench() {
  install_deps
  configure_and_build "$BUILD_DIR"
  for b in "$BUILD_DIR"/bench/*/bench_*; do
    [ -x "$b" ] || continue
    log "running $(basename "$b")"
    "$b"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  test) cmd_test ;;
  build) install_deps; configure_and_build "$BUILD_DIR" ;;
  bench) cmd_bench ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
