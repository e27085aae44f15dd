#pragma once
// A data set given as a folder of images, one sub-folder per class
// (torchvision's ImageFolder layout):
//   DIR/train/<class>/*  and  DIR/test/<class>/*,   or only
//   DIR/<class>/*        with a seeded, stratified share held out for testing.
// PNG and JPEG are decoded with libpng and libjpeg-turbo; every image becomes
// a 28x28 grey image as the default model reads it: the largest centred
// square is cut out (the aspect is kept, nothing is padded) and averaged down
// by area. Class names are the folder names as written, in byte order.
//
// Every file is hostile: only regular files are read, each at most
// kMaxImageFileBytes; a header that claims more than kMaxImagePixels is not
// decoded (a decompression bomb); an unreadable, truncated or mislabelled
// file, a symlink loop or anything that is not PNG or JPEG is skipped and
// counted. A class folder with no readable image is an error naming it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mergelab/dataset.h"

namespace mergelab {

constexpr int64_t kMaxImageFileBytes = 64LL << 20;
constexpr int64_t kMaxImagePixels = 40LL << 20; // about 6500 x 6500

struct ImageFolderOptions {
    // Only DIR/<class>/*: the share of each class held out for testing.
    double test_fraction = 0.2;
    uint64_t seed = 1; // which images are held out; fixed, so every process agrees
    int threads = 0;   // decoding threads; 0: every core
    // Where decoded sets are kept ("" : $XDG_CACHE_HOME/mergelab/images or
    // ~/.cache/mergelab/images; "-": no cache).
    std::string cache_dir;
    // Called now and then as files are decoded (from the decoding threads,
    // one call at a time), and once at the end.
    std::function<void(int64_t done, int64_t total)> progress;
};

struct ImageFolderLoad {
    FashionMnist data; // class_names filled
    int64_t decoded = 0;
    int64_t skipped = 0;
    std::vector<std::string> skipped_examples; // the first few: "path: why"
    bool from_cache = false;
};

// Whether `dir` is laid out as an image folder rather than IDX files: it
// holds sub-folders and no "*-ubyte" / "*-ubyte.gz" file.
bool is_image_folder(const std::string& dir);

// Reads the folder (or its cached decoding). Throws Error naming the folder
// or class that is wrong: no classes, fewer than 2 or more than 100, a class
// with no readable image, train and test folders whose classes differ.
ImageFolderLoad load_image_folder(const std::string& dir, DataPart part,
                                  const ImageFolderOptions& options = {});

// The training images' labels as the folder lists them, without decoding:
// for counts before a run (a file that will not decode is still counted).
// Throws Error as load_image_folder does for a wrong layout.
std::vector<uint8_t> image_folder_train_labels(const std::string& dir,
                                               const ImageFolderOptions& options = {});

// One image file's bytes as a 28x28 grey image (784 bytes), as the loader
// makes it. Throws Error saying why the bytes are not a usable image.
std::vector<uint8_t> decode_image_28(const std::vector<uint8_t>& bytes);

} // namespace mergelab
