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

configure_and_build() {
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    # Fresh clones in other folders share the cache: paths are rewritten relative to the tree.
    export CCACHE_BASEDIR="$ROOT"
    export CCACHE_NOHASHDIR=1
  fi
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DORRERY_WERROR=ON \
      "${launcher[@]}" ${ORRERY_CMAKE_ARGS:-}
  fi
  log "building (-j$JOBS)"
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

cmd_up() {
  install_deps
  configure_and_build
  local ctl="$BUILD_DIR/cli/orreryctl"
  log "validating the example files in examples/"
  "$ctl" validate "$ROOT"/examples/*.yaml
  log "next fire times of the example schedules (time zone: ${TZ:-system})"
  "$ctl" preview "$ROOT"/examples/*.yaml
}

cmd_test() {
  install_deps
  configure_and_build
  log "running the test suite"
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600
}

cmd_bench() {
  install_deps
  configure_and_build
  for b in "$BUILD_DIR"/bench/*/bench_*; do
    [ -x "$b" ] || continue
    log "running $(basename "$b")"
    "$b"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  test) cmd_test ;;
  build) install_deps; configure_and_build ;;
  bench) cmd_bench ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
