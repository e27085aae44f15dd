#pragma once
// Image folders that tests write themselves (image_folder.h's layout).
#include <cstdint>
#include <string>
#include <vector>

#include "mergelab/dataset.h"

namespace mergelab::testing {

// A PNG of width x height grey (or RGB) pixels, row-major.
void write_png(const std::string& path, const uint8_t* pixels, int width, int height, bool rgb = false);

// The file name of image i in a written folder: "00042.png".
std::string image_file_name(int i);

// `data`'s images as DIR/<prefix><k>/NNNNN.png: class k, index in `data`.
void write_image_folder(const std::string& dir, const Dataset& data, const std::string& prefix = "c");

// Five classes of coloured shapes on a noisy dark ground, 40x36 RGB PNGs
// (not square, so the loader's centre cut is used): DIR/<name>/NNNNN.png
// for the names of colour_shape_classes(). Position, size and hue vary
// with `seed`; a shape and its colour both tell the class.
void write_colour_shapes(const std::string& dir, int per_class, uint64_t seed);
const std::vector<std::string>& colour_shape_classes();

} // namespace mergelab::testing
