#pragma once
// A data set given as a folder of images, one sub-folder per class
// (torchvision's ImageFolder layout):
//   DIR/train/<class>/*  and  DIR/test/<class>/*,   or only
//   DIR/<class>/*        with a seeded, stratified share held out for testing.
// PNG and JPEG are decoded with libpng and libjpeg-turbo; every image becomes
// a 28x28 grey image as the default model reads it, or a 32x32 RGB image for
// the colour model (cnn-rgb): the largest centred square is cut out (the
// aspect is kept, nothing is padded) and averaged down by area. Class names
// are the folder names as written, in byte order.
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
    uint64_t seed = 1;   // which images are held out; fixed, so every process agrees
    int threads = 0;     // decoding threads; 0: every core
    bool colour = false; // 32x32 RGB instead of 28x28 grey (image_format)
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

// An empty Dataset with the channels and side images are decoded to.
Dataset image_format(bool colour);

// The class names as the folder lists them, without decoding. Throws Error
// as load_image_folder does for a wrong layout.
std::vector<std::string> image_folder_class_names(const std::string& dir);

// One image file's bytes as the loader makes them: 28x28 grey (784 bytes),
// or with `colour` 32x32 RGB as three planes (3072 bytes). Throws Error
// saying why the bytes are not a usable image.
std::vector<uint8_t> decode_image(const std::vector<uint8_t>& bytes, bool colour);
std::vector<uint8_t> decode_image_28(const std::vector<uint8_t>& bytes);

// Whether any of about `sample` images spread over the folder has colour
// (a pixel whose red, green and blue differ): the app offers the colour model
// then. Throws Error as load_image_folder does for a wrong layout.
bool image_folder_is_colour(const std::string& dir, int sample = 40);

// What the setup shows before a run, from one listing of the folder: the
// training images' labels (as image_folder_train_labels), the class names,
// and whether the images have colour (as image_folder_is_colour). Throws
// Error as load_image_folder does for a wrong layout.
struct ImageFolderSummary {
    std::vector<uint8_t> train_labels;
    std::vector<std::string> class_names;
    bool colour = false;
};
ImageFolderSummary image_folder_summary(const std::string& dir, const ImageFolderOptions& options = {},
                                        int sample = 40);

} // namespace mergelab
