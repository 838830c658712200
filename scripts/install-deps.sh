#!/usr/bin/env bash
# Installs the Debian 12 packages Orrery needs to build, test and run.
# Idempotent: when every package is present it does nothing (no apt-get update).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkgconf dpkg-dev ccache
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libxkbcommon-dev
  qt6-websockets-dev qt6-httpserver-dev qt6-charts-dev qt6-svg-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qtkeychain-qt6-dev libyaml-cpp-dev libssl-dev openssl libgraphviz-dev libgl-dev
  libbenchmark-dev
  libqt6sql6-sqlite libqt6sql6-psql libsecret-1-0
  xvfb xauth x11-apps imagemagick
  dbus dbus-daemon gnome-keyring libsecret-tools
  postgresql fonts-dejavu-core fonts-wqy-microhei
  python3 python3-requests curl
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "orrery: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
