# Shared by run.sh and test.sh: install what is missing, then build.
# Sourced, not executed.
set -euo pipefail

MERGELAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${MERGELAB_BUILD_DIR:-$MERGELAB_ROOT/build}"

# Debian 12 packages. libopenblas0-openmp matters for speed: without it
# LibTorch runs its linear layers on reference BLAS, about 2.6x slower.
# gRPC and protobuf carry distributed runs; libpng and libjpeg the image
# files.
BUILD_PACKAGES=(cmake g++ ninja-build pkg-config qt6-base-dev qt6-svg-dev libtorch-dev libqcustomplot-dev libspdlog-dev
  zlib1g-dev nlohmann-json3-dev libcli11-dev libopenblas0-openmp dataset-fashion-mnist
  qt6-l10n-tools qt6-tools-dev qt6-translations-l10n fonts-noto-cjk
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libpng-dev libjpeg62-turbo-dev libssl-dev)
# The tests also cross-check model files and accuracies against PyTorch
# itself, run the desktop app under a virtual display, validate the
# installed menu entry, metainfo and man pages, and check the formatting.
TEST_PACKAGES=(python3-torch xvfb xauth desktop-file-utils appstream man-db clang-format)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build_mergelab [TARGET...]: configures once, then builds the targets named
# (everything when none is).
build_mergelab() {
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    # Ninja rather than Make: it compiles the widgets while the core is
    # still compiling, where Make finishes one library before the next.
    cmake -S "$MERGELAB_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  local targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  cmake --build "$BUILD_DIR" -j "$(nproc)" "${targets[@]}"
}
