#pragma once
// Decoding one image file as the image folder loader does (image_folder.h),
// private to the core.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace mergelab::image_decode {

// A regular file opened once and checked on the open descriptor (open_image_file).
struct ImageFile {
    FILE* file = nullptr;
    ImageFile() = default;
    ImageFile(const ImageFile&) = delete;
    ImageFile& operator=(const ImageFile&) = delete;
    ~ImageFile() {
        if (file)
            std::fclose(file);
    }
};

// Opens `path` for reading: a FIFO, device or directory is refused without
// blocking, a symlink loop fails in open() itself, and a file over `limit`
// bytes is refused. Throws Error saying why; `size` gets the file's size.
void open_image_file(const std::string& path, ImageFile& out, int64_t* size = nullptr,
                     int64_t limit = INT64_MAX);

// One file decoded as it is read, to the loader's format (image_format).
// Throws Error saying why it is not a usable image.
std::vector<uint8_t> decode_file(const std::string& path, bool colour);

} // namespace mergelab::image_decode
