#include "support/image_files.h"

#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include <png.h>

namespace mergelab::testing {

void write_png(const std::string& path, const uint8_t* pixels, int width, int height, bool rgb) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = png_uint_32(width);
    image.height = png_uint_32(height);
    image.format = rgb ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    if (!png_image_write_to_file(&image, path.c_str(), 0, pixels, 0, nullptr))
        qFatal("cannot write %s", path.c_str());
}

std::string image_file_name(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%05d.png", i);
    return buf;
}

void write_image_folder(const std::string& dir, const Dataset& data, const std::string& prefix) {
    for (int64_t i = 0; i < data.size(); ++i) {
        const std::string cls = dir + "/" + prefix + std::to_string(data.labels[size_t(i)]);
        std::filesystem::create_directories(cls);
        write_png(cls + "/" + image_file_name(int(i)), &data.pixels[size_t(i) * kImagePixels], kImageSide,
                  kImageSide);
    }
}

const std::vector<std::string>& colour_shape_classes() {
    // As a teacher might name folders: spaces and all, shown as written.
    static const std::vector<std::string> names = {"blue triangle", "green square", "purple ring",
                                                   "red circle", "yellow cross"};
    return names;
}

void write_colour_shapes(const std::string& dir, int per_class, uint64_t seed) {
    constexpr int kWidth = 40, kHeight = 36;
    // The classes' colours, in colour_shape_classes() order.
    static const int colours[5][3] = {
        {40, 70, 230}, {40, 200, 60}, {160, 60, 200}, {230, 40, 40}, {230, 210, 40}};
    std::mt19937_64 rng(seed);
    auto jitter = [&rng](int spread) { return int(rng() % uint64_t(2 * spread + 1)) - spread; };
    for (int c = 0; c < 5; ++c) {
        const std::string folder = dir + "/" + colour_shape_classes()[size_t(c)];
        std::filesystem::create_directories(folder);
        for (int i = 0; i < per_class; ++i) {
            std::vector<uint8_t> rgb(size_t(kWidth) * kHeight * 3);
            for (auto& v : rgb)
                v = uint8_t(20 + rng() % 40);
            const double cx = kWidth / 2.0 + jitter(5), cy = kHeight / 2.0 + jitter(5);
            const double r = 8 + jitter(3);
            int colour[3];
            for (int k = 0; k < 3; ++k)
                colour[k] = std::clamp(colours[c][k] + jitter(25), 0, 255);
            for (int y = 0; y < kHeight; ++y)
                for (int x = 0; x < kWidth; ++x) {
                    const double dx = x - cx, dy = y - cy, d = std::sqrt(dx * dx + dy * dy);
                    bool inside = false;
                    switch (c) {
                    case 0:
                        inside = dy <= r && dy >= -r && std::abs(dx) <= (dy + r) / 2;
                        break; // triangle
                    case 1:
                        inside = std::abs(dx) <= r * 0.8 && std::abs(dy) <= r * 0.8;
                        break; // square
                    case 2:
                        inside = d <= r && d >= r * 0.55;
                        break; // ring
                    case 3:
                        inside = d <= r;
                        break; // disc
                    default:
                        inside = (std::abs(dx) <= 2.5 || std::abs(dy) <= 2.5) && d <= r * 1.1; // cross
                    }
                    if (inside)
                        for (int k = 0; k < 3; ++k)
                            rgb[(size_t(y) * kWidth + x) * 3 + k] = uint8_t(colour[k]);
                }
            write_png(folder + "/" + image_file_name(i), rgb.data(), kWidth, kHeight, true);
        }
    }
}

} // namespace mergelab::testing
