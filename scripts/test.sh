#!/usr/bin/env bash
# Installs what is missing (including the test tools), builds everything and
# runs the whole test suite with ctest, as many tests at a time as there are
# cores; tests that train hold a lock so two of them never share the cores
# (see tests/CMakeLists.txt). Extra arguments go to ctest. Idempotent; fast
# when nothing changed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
build_mergelab
cd "$BUILD_DIR"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$(nproc)" "$@"
