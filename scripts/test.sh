#!/usr/bin/env bash
# Installs what is missing (including the test tools), builds MergeLab and
# runs the whole test suite with ctest. Idempotent; fast when nothing changed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
build_mergelab
cd "$BUILD_DIR"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure "$@"
