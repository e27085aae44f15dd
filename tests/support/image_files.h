#pragma once
// Image folders that tests write themselves (image_folder.h's layout).
#include <cstdint>
#include <string>

#include "mergelab/dataset.h"

namespace mergelab::testing {

// A PNG of width x height grey (or RGB) pixels, row-major.
void write_png(const std::string& path, const uint8_t* pixels, int width, int height, bool rgb = false);

// The file name of image i in a written folder: "00042.png".
std::string image_file_name(int i);

// `data`'s images as DIR/<prefix><k>/NNNNN.png: class k, index in `data`.
void write_image_folder(const std::string& dir, const Dataset& data, const std::string& prefix = "c");

} // namespace mergelab::testing
