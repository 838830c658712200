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

cmd_up() {
  install_deps
  configure_and_build "$BUILD_DIR"
  local ctl="$BUILD_DIR/cli/orreryctl"
  log "validating the example files in examples/"
  "$ctl" validate "$ROOT"/examples/*.yaml
  log "next fire times of the example schedules (time zone: ${TZ:-system})"
  # The template needs a database host; the example renders it for db1.example.internal.
  "$ctl" preview "$ROOT"/examples/*.yaml --set database_host=db1.example.internal
  log "the rendered backup job (orreryctl render examples/database_backup.yaml --set database_host=...):"
  "$ctl" render "$ROOT/examples/database_backup.yaml" --set database_host=db1.example.internal
  log "orreryctl is at $ctl (try: $ctl --help)"
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
