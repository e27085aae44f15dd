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
// Colour images are read at this size, for the colour model (cnn-rgb).
constexpr int kColourImageSide = 32;
// Fashion-MNIST's classes; an image folder has 2 to kMaxClasses of its own.
constexpr int kFashionClasses = 10;
constexpr int kMaxClasses = 100;

const std::vector<std::string>& fashion_mnist_class_names();

struct Dataset {
    std::vector<uint8_t> pixels; // size() * image_bytes(), channel planes one after another
    std::vector<uint8_t> labels; // 0 .. classes - 1
    int channels = 1;            // 1 grey, 3 RGB
    int side = kImageSide;
    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    int64_t image_bytes() const { return int64_t(channels) * side * side; }
};

struct FashionMnist {
    Dataset train; // 60,000 in the real set
    Dataset test;  // 10,000 in the real set
    std::string directory;
    // The classes' names in label order: an image folder's folder names, or
    // fashion_mnist_class_names() for the IDX files. Empty (a data set made
    // in code) means Fashion-MNIST's ten.
    std::vector<std::string> class_names;
};

// How many classes `data` has: class_names.size(), or 10 when empty.
int class_count(const FashionMnist& data);

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
// A folder of class folders (image_folder.h) is read as images instead.
FashionMnist load_fashion_mnist(const std::string& dir, DataPart part = DataPart::Both);

struct DataLoadOptions {
    // An image folder of class folders only: each class's held-out share.
    double test_fraction = 0.2;
    // An image folder's decoding: called now and then from the decoding
    // threads (one call at a time) with files done and in all, and once at
    // the end. Not called for IDX files or a cached decoding.
    std::function<void(int64_t done, int64_t total)> progress;
    // An image folder only: decode to 32x32 RGB for the colour model
    // (colour_for_model says when).
    bool colour = false;
};
// Whether `model`'s images are colour: what DataLoadOptions::colour asks.
bool colour_for_model(const std::string& model);
FashionMnist load_fashion_mnist(const std::string& dir, DataPart part, const DataLoadOptions& options);

} // namespace mergelab
