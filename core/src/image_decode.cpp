#include "image_decode.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <jpeglib.h>
#include <png.h>

#include "mergelab/error.h"
#include "mergelab/image_folder.h"

namespace mergelab {

namespace image_decode {

namespace {

// A decoded image as the library gives it: rows of interleaved samples.
struct Picture {
    int width = 0, height = 0;
    int channels = 1;            // 1 grey, 3 RGB
    std::vector<uint8_t> pixels; // width * height * channels
};

void check_dimensions(int64_t width, int64_t height) {
    if (width <= 0 || height <= 0)
        throw Error("has no pixels");
    if (width * height > kMaxImagePixels)
        throw Error("claims " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels, more than MergeLab decodes");
}

// Either from memory (`bytes`) or from an open file (`file`), which libpng
// reads as it inflates: the file's bytes are never held whole.
Picture decode_png(const std::vector<uint8_t>* bytes, FILE* file, bool colour) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    const int begun = bytes ? png_image_begin_read_from_memory(&image, bytes->data(), bytes->size())
                            : png_image_begin_read_from_stdio(&image, file);
    if (!begun)
        throw Error(std::string("is not a readable PNG (") + image.message + ")");
    // Checked before a pixel is inflated: the header's claim is all a bomb is.
    try {
        check_dimensions(image.width, image.height);
    } catch (...) {
        png_image_free(&image);
        throw;
    }
    // libpng converts any PNG (palette, alpha, 16 bits) to what is asked;
    // alpha is composed onto black, as the format's simplified API does.
    image.format = colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    Picture out;
    out.width = int(image.width), out.height = int(image.height), out.channels = colour ? 3 : 1;
    out.pixels.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) {
        const std::string why = image.message;
        png_image_free(&image);
        throw Error("is a damaged PNG (" + why + ")");
    }
    return out;
}

// The largest centred square, averaged down to side x side by area: each
// output pixel is the mean of the source area it covers, partial pixels
// weighted by their overlap. An image already side x side is copied as is.
// Rows arrive one at a time in order, so a JPEG is never held whole; each
// output pixel's sum is added in the same order as over a whole picture.
// Out come the channel planes one after another, as the models read them.
class AreaResize {
public:
    AreaResize(int width, int height, int channels, int side)
        : side_(side)
        , ch_(channels)
        , edge_(std::min(width, height))
        , x0_((width - edge_) / 2)
        , y0_((height - edge_) / 2)
        , scale_(double(edge_) / side)
        , out_(size_t(side) * side * size_t(channels)) {
        if (edge_ != side_)
            sum_.assign(out_.size(), 0.0), area_.assign(size_t(side) * side, 0.0);
    }

    // Row y of the whole image, interleaved samples.
    void row(int y, const uint8_t* pixels) {
        const int yy = y - y0_;
        if (yy < 0 || yy >= edge_)
            return;
        const uint8_t* r = pixels + size_t(x0_) * ch_;
        const size_t plane = size_t(side_) * side_;
        if (edge_ == side_) {
            for (int c = 0; c < ch_; ++c)
                for (int x = 0; x < side_; ++x)
                    out_[c * plane + size_t(yy) * side_ + x] = r[size_t(x) * ch_ + c];
            return;
        }
        for (int oy = 0; oy < side_; ++oy) {
            const double sy0 = oy * scale_, sy1 = (oy + 1) * scale_;
            if (yy < int(sy0) || yy >= int(std::ceil(sy1)))
                continue;
            const double wy = std::min<double>(yy + 1, sy1) - std::max<double>(yy, sy0);
            if (wy <= 0)
                continue;
            for (int ox = 0; ox < side_; ++ox) {
                const double sx0 = ox * scale_, sx1 = (ox + 1) * scale_;
                double* sum = &sum_[(size_t(oy) * side_ + ox) * ch_];
                double& area = area_[size_t(oy) * side_ + ox];
                for (int x = int(sx0); x < int(std::ceil(sx1)) && x < edge_; ++x) {
                    const double wx = std::min<double>(x + 1, sx1) - std::max<double>(x, sx0);
                    if (wx <= 0)
                        continue;
                    for (int c = 0; c < ch_; ++c)
                        sum[c] += r[size_t(x) * ch_ + c] * wx * wy;
                    area += wx * wy;
                }
            }
        }
    }

    std::vector<uint8_t> finish() {
        if (edge_ == side_)
            return std::move(out_);
        const size_t plane = size_t(side_) * side_;
        for (size_t p = 0; p < plane; ++p)
            for (int c = 0; c < ch_; ++c)
                out_[c * plane + p] =
                    uint8_t(std::clamp(std::lround(sum_[p * ch_ + c] / area_[p]), 0L, 255L));
        return std::move(out_);
    }

private:
    int side_, ch_, edge_, x0_, y0_;
    double scale_;
    std::vector<uint8_t> out_;
    std::vector<double> sum_, area_; // per output pixel (and channel), interleaved
};

std::vector<uint8_t> square_area_resize(const Picture& in, int side) {
    AreaResize resize(in.width, in.height, in.channels, side);
    const size_t row_bytes = size_t(in.width) * in.channels;
    for (int y = 0; y < in.height; ++y)
        resize.row(y, &in.pixels[size_t(y) * row_bytes]);
    return resize.finish();
}

struct JpegError {
    jpeg_error_mgr manager;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void jpeg_fail(j_common_ptr info) {
    auto* error = reinterpret_cast<JpegError*>(info->err);
    (*info->err->format_message)(info, error->message);
    std::longjmp(error->jump, 1);
}

// What decode_jpeg_rows hands back besides its message.
struct JpegRows {
    bool colour = false;
    int side = 0;
    int64_t width = 0, height = 0; // the header's claim, for the message
    AreaResize* resize = nullptr;  // made once the header is checked
    std::unique_ptr<AreaResize>* holder = nullptr;
};

// libjpeg reports errors by longjmp; nothing with a destructor lives in this
// function, so the jump skips none: the resizer belongs to the caller, and
// the one row buffer is plain memory. Returns "" or why the file is no image
// ("claims" when the header's size is refused).
std::string decode_jpeg_rows(const std::vector<uint8_t>* bytes, FILE* file, JpegRows& rows) {
    jpeg_decompress_struct info;
    JpegError error;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = jpeg_fail;
    error.manager.output_message = [](j_common_ptr) {}; // warnings are not the user's business
    uint8_t* volatile row = nullptr;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        std::free(row);
        return std::string("is a damaged JPEG (") + error.message + ")";
    }
    jpeg_create_decompress(&info);
    if (bytes)
        jpeg_mem_src(&info, bytes->data(), static_cast<unsigned long>(bytes->size()));
    else
        jpeg_stdio_src(&info, file);
    jpeg_read_header(&info, TRUE);
    rows.width = info.image_width, rows.height = info.image_height;
    if (rows.width <= 0 || rows.height <= 0 || rows.width * rows.height > kMaxImagePixels) {
        jpeg_destroy_decompress(&info);
        return "claims";
    }
    info.out_color_space = rows.colour ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    const size_t row_bytes = size_t(info.output_width) * size_t(info.output_components);
    row = static_cast<uint8_t*>(std::malloc(row_bytes));
    if (!row) {
        jpeg_destroy_decompress(&info);
        return "is too large to decode";
    }
    *rows.holder = std::make_unique<AreaResize>(int(info.output_width), int(info.output_height),
                                                int(info.output_components), rows.side);
    rows.resize = rows.holder->get();
    while (info.output_scanline < info.output_height) {
        const int y = int(info.output_scanline);
        JSAMPROW target = row;
        jpeg_read_scanlines(&info, &target, 1);
        rows.resize->row(y, row);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    std::free(row);
    return "";
}

std::vector<uint8_t> decode_jpeg(const std::vector<uint8_t>* bytes, FILE* file, bool colour, int side) {
    std::unique_ptr<AreaResize> resize;
    JpegRows rows;
    rows.colour = colour, rows.side = side, rows.holder = &resize;
    const std::string why = decode_jpeg_rows(bytes, file, rows);
    if (why == "claims")
        check_dimensions(rows.width, rows.height); // throws with the claim
    if (!why.empty())
        throw Error(why);
    return resize->finish();
}

} // namespace

void open_image_file(const std::string& path, ImageFile& out, int64_t* size, int64_t limit) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw Error(std::string("cannot be opened (") + std::strerror(errno) + ")");
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error("is not a regular file");
    }
    if (st.st_size > limit) {
        ::close(fd);
        throw Error("is larger than " + std::to_string(limit >> 20) + " MB");
    }
    out.file = ::fdopen(fd, "rb");
    if (!out.file) {
        ::close(fd);
        throw Error(std::string("cannot be opened (") + std::strerror(errno) + ")");
    }
    if (size)
        *size = st.st_size;
}

namespace {

bool is_png(const uint8_t* head, size_t n) {
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    return n >= 8 && std::memcmp(head, png_magic, 8) == 0;
}

bool is_jpeg(const uint8_t* head, size_t n) {
    return n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
}

} // namespace

// One file decoded as it is read: what is held at a time is the decoder's
// state and, for a PNG, its pixels, never the file's bytes.
std::vector<uint8_t> decode_file(const std::string& path, bool colour) {
    ImageFile file;
    open_image_file(path, file, nullptr, kMaxImageFileBytes);
    uint8_t head[8];
    const size_t n = std::fread(head, 1, sizeof head, file.file);
    if (!is_png(head, n) && !is_jpeg(head, n))
        throw Error("is not a PNG or JPEG image");
    if (std::fseek(file.file, 0, SEEK_SET) != 0)
        throw Error("cannot be read again from its start");
    const int side = image_format(colour).side;
    if (is_png(head, n))
        return square_area_resize(decode_png(nullptr, file.file, colour), side);
    return decode_jpeg(nullptr, file.file, colour, side);
}

} // namespace image_decode

using namespace image_decode;

Dataset image_format(bool colour) {
    Dataset d;
    d.channels = colour ? 3 : 1;
    d.side = colour ? kColourImageSide : kImageSide;
    return d;
}

std::vector<uint8_t> decode_image(const std::vector<uint8_t>& bytes, bool colour) {
    const int side = image_format(colour).side;
    if (is_png(bytes.data(), bytes.size()))
        return square_area_resize(decode_png(&bytes, nullptr, colour), side);
    if (is_jpeg(bytes.data(), bytes.size()))
        return decode_jpeg(&bytes, nullptr, colour, side);
    throw Error("is not a PNG or JPEG image");
}

std::vector<uint8_t> decode_image_28(const std::vector<uint8_t>& bytes) {
    return decode_image(bytes, false);
}

} // namespace mergelab
