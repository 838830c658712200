#!/bin/sh
# Runs a command (a test) with a keychain of its own: a private D-Bus session with an unlocked
# gnome-keyring (Secret Service), and HOME and the XDG directories in a temporary directory, so
# that QtKeychain works headless and nothing reaches the user's real keyring
# (/work/shared/feasibility.md §6).
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/orrery-keyring.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
export HOME="$dir" XDG_DATA_HOME="$dir/share" XDG_CONFIG_HOME="$dir/config" \
       XDG_CACHE_HOME="$dir/cache" XDG_RUNTIME_DIR="$dir/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# dbus-daemon's "Failed to set fd limit" warning in containers is harmless.
dbus-run-session -- sh -c '
    printf orrery-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' sh "$@"
