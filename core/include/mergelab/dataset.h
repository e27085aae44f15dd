#pragma once
// Fashion-MNIST as plain bytes. Conversion to float tensors (pixel / 255)
// happens inside the core where torch is used.
#include <array>
#include <cstdint>
#include <functional>
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
    // An image folder's classes (its folder names); empty for the IDX files,
    // whose names are class_names().
    std::vector<std::string> class_names;
};

// Debian's dataset-fashion-mnist location.
constexpr const char* kDefaultDataDir = "/usr/share/datasets/fashion-mnist";

// `explicit_dir` if not empty, else $MERGELAB_DATA if set, else the default.
std::string resolve_data_dir(const std::string& explicit_dir = {});

// Which half of the data set a process needs: a distributed run's
// coordinator holds only the test set, each environment only the training set.
enum class DataPart { Both, Train, Test };

// Finds each of the four files in `dir` (as "<name>-ubyte.gz" or plain
// "<name>-ubyte"), reads and validates them; image and label counts must agree.
// With `part` Train or Test only that half's two files are looked for and
// read; the other half stays empty. Throws mergelab::Error naming the file.
// A folder of class folders (image_folder.h) is read as images instead;
// until the models take other class counts it must hold exactly 10 classes.
FashionMnist load_fashion_mnist(const std::string& dir, DataPart part = DataPart::Both);

struct DataLoadOptions {
    // An image folder of class folders only: each class's held-out share.
    double test_fraction = 0.2;
    // An image folder's decoding: called now and then from the decoding
    // threads (one call at a time) with files done and in all, and once at
    // the end. Not called for IDX files or a cached decoding.
    std::function<void(int64_t done, int64_t total)> progress;
};
FashionMnist load_fashion_mnist(const std::string& dir, DataPart part, const DataLoadOptions& options);

} // namespace mergelab
