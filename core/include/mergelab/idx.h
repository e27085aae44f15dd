#pragma once
// Reader and writer for the IDX format used by (Fashion-)MNIST, gzipped or
// plain. Every error message names the file and what is wrong with it.
#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

struct IdxImages {
    int64_t count = 0;
    int rows = 0;
    int cols = 0;
    std::vector<uint8_t> pixels; // count * rows * cols, row-major
};

// Magic numbers of unsigned-byte IDX files.
constexpr uint32_t kIdxImagesMagic = 0x00000803; // 3 dimensions
constexpr uint32_t kIdxLabelsMagic = 0x00000801; // 1 dimension

// Throws mergelab::Error naming `path` on any problem: missing or unreadable
// file, a directory, empty or truncated data, corrupt gzip, wrong magic,
// dimensions other than 28x28, trailing garbage.
// `expected_count` (when >= 0, the label file's count) is checked against
// the header before anything is inflated.
IdxImages read_idx_images(const std::string& path, int64_t expected_count = -1);
// The image count of an image file's header, with the header's checks;
// inflates nothing past the header.
int64_t read_idx_image_count(const std::string& path);
// Labels must lie in 0..9.
std::vector<uint8_t> read_idx_labels(const std::string& path);

// Writers, used by tests, fuzz seeds and demos. A path ending in ".gz" is
// written gzipped. Written atomically (temporary file, then rename).
void write_idx_images(const std::string& path, const IdxImages& images);
void write_idx_labels(const std::string& path, const std::vector<uint8_t>& labels);

} // namespace mergelab
