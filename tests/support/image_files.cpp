#include "support/image_files.h"

#include <QtGlobal>

#include <cstdio>
#include <cstring>
#include <filesystem>

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

} // namespace mergelab::testing
