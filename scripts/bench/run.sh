#!/usr/bin/env bash
# Builds MergeLab if needed and prints the comparison table of docs/performance.md:
# MergeLab against the plain PyTorch script (peer.py), side by side.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
build_mergelab mergelab mergelab-cli mergelab-bench
exec /usr/bin/python3 "$MERGELAB_ROOT/scripts/bench/compare.py" "$@"
