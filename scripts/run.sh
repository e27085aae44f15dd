#!/usr/bin/env bash
# Installs what is missing, builds the two programs (Release; the tests are
# left to test.sh) and runs one: the desktop app when a display is
# available, otherwise a short headless V experiment on the real data.
# Idempotent; fast when nothing changed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "${BUILD_PACKAGES[@]}"
build_mergelab mergelab mergelab-cli

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$BUILD_DIR/app/mergelab" ] && [ "${MERGELAB_HEADLESS:-0}" != 1 ]; then
  exec "$BUILD_DIR/app/mergelab" "$@"
fi

echo "No display found: running a short headless V experiment (2 environments, 2 rounds)."
"$BUILD_DIR/app/mergelab-cli" run --split V --envs 2 --rounds 2 --train-limit 6000 --threads "$(nproc)" "$@"
echo
echo "To open the desktop app, run this script again from a graphical session, or: $BUILD_DIR/app/mergelab"
