#include "support/synthetic.h"

#include <filesystem>
#include <random>

#include "mergelab/idx.h"

namespace mergelab::testing {

Dataset make_synthetic_dataset(int per_class, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> noise(0, 60);
    Dataset data;
    data.labels.reserve(static_cast<size_t>(per_class) * kFashionClasses);
    data.pixels.reserve(data.labels.capacity() * kImagePixels);
    // Interleave classes so any prefix holds every class.
    for (int i = 0; i < per_class; ++i) {
        for (int c = 0; c < kFashionClasses; ++c) {
            data.labels.push_back(static_cast<uint8_t>(c));
            // Class c owns a 7x7 block at a position of its own in a 4x4 grid.
            const int block_row = (c / 4) * 7;
            const int block_col = (c % 4) * 7;
            for (int y = 0; y < kImageSide; ++y) {
                for (int x = 0; x < kImageSide; ++x) {
                    const bool lit =
                        y >= block_row && y < block_row + 7 && x >= block_col && x < block_col + 7;
                    data.pixels.push_back(static_cast<uint8_t>(lit ? 255 - noise(rng) : noise(rng)));
                }
            }
        }
    }
    return data;
}

static void write_pair(const std::string& dir, const std::string& prefix, const Dataset& data, bool gzip) {
    IdxImages images;
    images.count = data.size();
    images.rows = kImageSide;
    images.cols = kImageSide;
    images.pixels = data.pixels;
    const std::string suffix = gzip ? ".gz" : "";
    const std::string image_tag = prefix == "train" ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";
    const std::string label_tag = prefix == "train" ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte";
    write_idx_images(dir + "/" + image_tag + suffix, images);
    write_idx_labels(dir + "/" + label_tag + suffix, data.labels);
}

void write_synthetic_fashion_mnist(const std::string& dir, const SyntheticSpec& spec) {
    std::filesystem::create_directories(dir);
    write_pair(dir, "train", make_synthetic_dataset(spec.train_per_class, spec.seed), spec.gzip);
    write_pair(dir, "t10k", make_synthetic_dataset(spec.test_per_class, spec.seed + 1), spec.gzip);
}

FashionMnist synthetic_fashion_mnist(int train_per_class, int test_per_class) {
    FashionMnist d;
    d.train = make_synthetic_dataset(train_per_class, 1);
    d.test = make_synthetic_dataset(test_per_class, 2);
    return d;
}

ExperimentConfig small_config(int rounds, const std::string& data_dir) {
    ExperimentConfig c;
    c.data_dir = data_dir;
    c.rounds = rounds;
    c.threads = 1;
    c.batch_size = 16;
    c.histogram_bins = 8;
    return c;
}

} // namespace mergelab::testing
