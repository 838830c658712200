#!/usr/bin/env bash
# Takes the README's screenshots of the desktop application, in English and in Simplified
# Chinese, against a real system: a private CA, orrery-master on loopback ports chosen at run
# time, one orrery-agent, the brief's pipeline (examples/data_pipeline.yaml) applied and run
# once. Writes docs/screenshots/<view>_<lang>.png. Offscreen rendering: no display needed, but
# a CJK font must be installed (fonts-wqy-microhei, scripts/install-deps.sh).
#
#   docs/take-screenshots.sh [build-dir]      (default: ./build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
OUT="$ROOT/docs/screenshots"
ctl="$BUILD/cli/orreryctl" master="$BUILD/master/orrery-master"
agent="$BUILD/agent/orrery-agent" gui="$BUILD/gui/app/orrery"
for b in "$ctl" "$master" "$agent" "$gui"; do
  [ -x "$b" ] || { echo "take-screenshots: $b is missing: build first" >&2; exit 1; }
done
if ! fc-list :lang=zh | grep -q .; then
  echo "take-screenshots: no Chinese font (install fonts-wqy-microhei)" >&2
  exit 1
fi

WORK="$(mktemp -d /tmp/orrery-shots.XXXXXX)"
MASTER_PID="" AGENT_PID=""
cleanup() {
  [ -n "$AGENT_PID" ] && kill -TERM "$AGENT_PID" 2>/dev/null || true
  [ -n "$MASTER_PID" ] && kill -TERM "$MASTER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

"$ctl" pki init "$WORK/pki" --name localhost >/dev/null
cat > "$WORK/master.yaml" <<YAML
listen_address: 127.0.0.1
api_port: 0
agent_port: 0
data_dir: data
tls:
  certificate: pki/master.crt
  private_key: pki/master.key
YAML
token="$("$master" admin-token --config "$WORK/master.yaml" --name screenshots | tail -n 1)"
"$master" --config "$WORK/master.yaml" >"$WORK/master.out" 2>"$WORK/master.log" &
MASTER_PID=$!
for _ in $(seq 1 300); do
  grep -q ready "$WORK/master.out" 2>/dev/null && break
  kill -0 "$MASTER_PID" 2>/dev/null || { cat "$WORK/master.log" >&2; exit 1; }
  sleep 0.1
done
api_port="$(sed -n 's/^orrery-master: api_port=//p' "$WORK/master.out")"
agent_port="$(sed -n 's/^orrery-master: agent_port=//p' "$WORK/master.out")"

mkdir -p "$WORK/agent"
"$master" enrol-token --config "$WORK/master.yaml" | tail -n 1 > "$WORK/agent/enrol-token"
allow_root=false
[ "$(id -u)" = 0 ] && allow_root=true
cat > "$WORK/agent/agent.conf" <<INI
[agent]
master_urls = wss://localhost:$agent_port
ca_file = $WORK/pki/ca.crt
node_name = worker-1
data_dir = $WORK/agent
labels = role=etl,zone=a
allow_root = $allow_root
enrol_token_file = $WORK/agent/enrol-token
INI
"$agent" --config "$WORK/agent/agent.conf" >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!

export ORRERY_URL="https://localhost:$api_port" ORRERY_TOKEN="$token" ORRERY_CA="$WORK/pki/ca.crt"
"$ctl" apply "$ROOT/examples/data_pipeline.yaml" >/dev/null
for _ in $(seq 1 100); do
  "$ctl" nodes list 2>/dev/null | grep -q worker-1 && break
  sleep 0.1
done
# One manual run of the pipeline, so that the graph shows run states.
api() {  # METHOD PATH
  curl -sS --cacert "$ORRERY_CA" -H "Authorization: Bearer $ORRERY_TOKEN" -X "$1" \
    "https://localhost:$api_port$2"
}
run_id="$(api POST /api/v1/pipelines/data_pipeline/run \
  | python3 -c 'import json, sys; print(json.load(sys.stdin).get("id", ""))')"
[ -n "$run_id" ] || { echo "take-screenshots: the pipeline did not start" >&2; exit 1; }
for _ in $(seq 1 100); do
  api GET "/api/v1/pipeline-runs/$run_id" | grep -q '"state":"running"' || break
  sleep 0.2
done

mkdir -p "$OUT"
export QT_QPA_PLATFORM=offscreen
for lang in en zh_CN; do
  for view in editor jobs runs nodes dashboard; do
    png="$OUT/${view}_${lang}.png"
    "$ROOT/tests/gui/with-keyring.sh" "$gui" --lang "$lang" --server "wss://localhost:$agent_port" --ca-file "$ORRERY_CA" \
      --view "$view" --show-run "$run_id" --screenshot "$png" "$ROOT/examples/data_pipeline.yaml"
    echo "$png"
  done
done
