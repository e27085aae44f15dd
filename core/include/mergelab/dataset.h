#pragma once
// Fashion-MNIST as plain bytes. Conversion to float tensors (pixel / 255)
// happens inside the core where torch is used.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

constexpr int kImageSide = 28;
constexpr int kImagePixels = kImageSide * kImageSide;
constexpr int kNumClasses = 10;

const std::array<std::string, kNumClasses>& class_names();

struct Dataset {
    std::vector<uint8_t> pixels; // size() * 784
    std::vector<uint8_t> labels; // 0..9
    int64_t size() const { return static_cast<int64_t>(labels.size()); }
};

struct FashionMnist {
    Dataset train; // 60,000 in the real set
    Dataset test;  // 10,000 in the real set
    std::string directory;
};

// Debian's dataset-fashion-mnist location.
constexpr const char* kDefaultDataDir = "/usr/share/datasets/fashion-mnist";

// `explicit_dir` if not empty, else $MERGELAB_DATA if set, else the default.
std::string resolve_data_dir(const std::string& explicit_dir = {});

// Finds each of the four files in `dir` (as "<name>-ubyte.gz" or plain
// "<name>-ubyte"), reads and validates them; image and label counts must agree.
// Throws mergelab::Error naming the file.
FashionMnist load_fashion_mnist(const std::string& dir);

} // namespace mergelab
