#include "mergelab/idx.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/files.h"

namespace fs = std::filesystem;

namespace mergelab {
namespace {

// Ten times the real training set: anything larger is a corrupt or hostile
// header, and refusing it keeps a lying count from driving allocations.
constexpr uint64_t kMaxItems = 10'000'000;

// Memory committed up front for gzipped data, whose decompressed size is
// unknown until read. Enough for the full training images in one go; past it
// the buffer only grows as real data arrives.
constexpr size_t kInitialGzipBuffer = size_t{64} << 20;

// Fashion-MNIST's gzip files hold about twice their size; a compression
// ratio past this (plus a little for tiny files) is a bomb, not data.
constexpr uint64_t kMaxGzipRatio = 32;
constexpr uint64_t kGzipRatioSlack = uint64_t{1} << 20;

// Large chunks keep gzread decompressing straight into our buffer.
constexpr unsigned kGzipBufferSize = 1u << 20;
constexpr size_t kMaxChunk = size_t{1} << 30; // gzread/gzwrite take an unsigned int

// How far past the declared end we look to report trailing garbage; a
// decompression bomb behind a valid file must not keep us reading forever.
constexpr uint64_t kMaxTrailingScan = uint64_t{1} << 20;

constexpr unsigned char kGzipMagic0 = 0x1f;
constexpr unsigned char kGzipMagic1 = 0x8b;

std::string hex32(uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(value));
    return text;
}

std::string hex8(uint8_t value) {
    char text[4];
    std::snprintf(text, sizeof text, "%02x", static_cast<unsigned>(value));
    return text;
}

uint32_t read_be32(const uint8_t* bytes) {
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
           uint32_t{bytes[3]};
}

void put_be32(uint8_t* bytes, uint32_t value) {
    bytes[0] = static_cast<uint8_t>(value >> 24);
    bytes[1] = static_cast<uint8_t>(value >> 16);
    bytes[2] = static_cast<uint8_t>(value >> 8);
    bytes[3] = static_cast<uint8_t>(value);
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// std::strerror may share one buffer between threads, and the loader reads
// files concurrently.
std::string errno_text(int code) {
    return std::generic_category().message(code);
}

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw Error(path + ": " + problem);
}

// zlib prefixes its messages with the name it was opened under, which for
// gzdopen is a meaningless "<fd:N>"; our messages already lead with the path.
std::string zlib_reason(const char* message) {
    if (message == nullptr || *message == '\0')
        return "unknown error";
    const std::string text = message;
    const size_t colon = text.find(": ");
    return text.compare(0, 4, "<fd:") == 0 && colon != std::string::npos ? text.substr(colon + 2) : text;
}

// The decompressed (or plain) byte stream of one IDX file. Which of the two
// it is comes from the content, so a misnamed file still reads correctly.
class IdxSource {
public:
    explicit IdxSource(const std::string& path)
        : path_(path) {
        // O_NONBLOCK: a FIFO must not wait for a writer; only a regular
        // file is read, and its size is known before anything is inflated.
        const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            fail(errno == ENOENT ? std::string("file does not exist")
                                 : std::string("cannot open file: ") + errno_text(errno));
        struct stat st {};
        const auto refuse = [&](const std::string& why) {
            ::close(fd);
            fail(why);
        };
        if (::fstat(fd, &st) != 0)
            refuse("cannot access file: " + errno_text(errno));
        if (S_ISDIR(st.st_mode))
            refuse("is a directory, expected an IDX file");
        if (!S_ISREG(st.st_mode))
            refuse("is " + describe_file_type(st.st_mode) + ", not a regular file");
        file_size_ = static_cast<uint64_t>(st.st_size);
        if (file_size_ == 0)
            refuse("file is empty (0 bytes)");
        const int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0)
            ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);

        // The destructor does not run when the constructor throws, so the
        // descriptor is closed by hand on those paths. pread leaves the offset
        // at 0 for whichever reader takes over.
        unsigned char magic[2] = {0, 0};
        const ssize_t got = ::pread(fd, magic, sizeof magic, 0);
        if (got < 0) {
            const int saved = errno;
            ::close(fd);
            fail(std::string("read error: ") + errno_text(saved));
        }
        if (got == 2 && magic[0] == kGzipMagic0 && magic[1] == kGzipMagic1) {
            gz_ = gzdopen(fd, "rb");
            if (gz_ == nullptr) {
                ::close(fd);
                fail("cannot start gzip decompression (out of memory?)");
            }
            gzbuffer(gz_, kGzipBufferSize);
        } else {
            fd_ = fd;
        }
    }

    ~IdxSource() {
        if (gz_ != nullptr)
            gzclose(gz_);
        if (fd_ >= 0)
            ::close(fd_);
    }

    IdxSource(const IdxSource&) = delete;
    IdxSource& operator=(const IdxSource&) = delete;

    bool gzipped() const { return gz_ != nullptr; }
    // Size on disk of a plain file, which bounds what it can hold.
    bool plain_size_known() const { return !gzipped(); }
    uint64_t file_size() const { return file_size_; }

    // Fills `size` bytes unless the data ends first; returns how many it got.
    // Corrupt or cut-off compressed data throws instead of looking like EOF.
    size_t read(uint8_t* dst, size_t size) {
        size_t total = 0;
        while (total < size) {
            const size_t want = std::min(size - total, kMaxChunk);
            const size_t got = gzipped() ? read_gzip(dst + total, want) : read_plain(dst + total, want);
            if (got == 0)
                break;
            total += got;
        }
        return total;
    }

    [[noreturn]] void fail(const std::string& problem) const { mergelab::fail(path_, problem); }

private:
    size_t read_plain(uint8_t* dst, size_t size) {
        for (;;) {
            const ssize_t got = ::read(fd_, dst, size);
            if (got >= 0)
                return static_cast<size_t>(got);
            if (errno != EINTR)
                fail(std::string("read error: ") + errno_text(errno));
        }
    }

    size_t read_gzip(uint8_t* dst, size_t size) {
        const int got = gzread(gz_, dst, static_cast<unsigned>(size));
        // gzread may hand back the data it managed before hitting damage, so
        // the error state must be checked even after a successful-looking read.
        int code = Z_OK;
        const char* message = gzerror(gz_, &code);
        if (code == Z_BUF_ERROR)
            fail("compressed data is truncated (the gzip stream ends unexpectedly)");
        if (code == Z_ERRNO)
            fail(std::string("read error: ") + errno_text(errno));
        if (code != Z_OK || got < 0)
            fail("corrupt compressed data (zlib: " + zlib_reason(message) + ")");
        return static_cast<size_t>(got);
    }

    std::string path_;
    int fd_ = -1;
    gzFile gz_ = nullptr;
    uint64_t file_size_ = 0;
};

// Reads the 4-byte magic number and checks it names the wanted file kind.
void check_magic(IdxSource& source, uint32_t expected, const char* kind) {
    uint8_t bytes[4];
    const size_t got = source.read(bytes, sizeof bytes);
    if (got == 0)
        source.fail(source.gzipped() ? "decompressed data is empty" : "file is empty (0 bytes)");
    if (got < sizeof bytes)
        source.fail("truncated header: the data ends after " + std::to_string(got) +
                    " bytes, before the 4-byte magic number");
    const uint32_t magic = read_be32(bytes);
    const bool idx_like = bytes[0] == 0 && bytes[1] == 0;
    if (!idx_like || bytes[2] != 0x08) {
        if (idx_like && (bytes[2] == 0x09 || (bytes[2] >= 0x0b && bytes[2] <= 0x0e)))
            source.fail("IDX element type 0x" + hex8(bytes[2]) + " is not supported (magic number " +
                        hex32(magic) + "; only unsigned bytes, type 0x08, are)");
        const std::string seen =
            hex8(bytes[0]) + " " + hex8(bytes[1]) + " " + hex8(bytes[2]) + " " + hex8(bytes[3]);
        source.fail("not an IDX file: it starts with bytes " + seen + ", expected " + hex32(expected) +
                    " for an " + kind + " file");
    }
    if (magic != expected) {
        std::string problem = "wrong magic number " + hex32(magic) + " (expected " + hex32(expected) +
                              " for an " + kind + " file)";
        if (magic == kIdxLabelsMagic)
            problem += "; this looks like a label file";
        else if (magic == kIdxImagesMagic)
            problem += "; this looks like an image file";
        source.fail(problem);
    }
}

uint32_t read_header_word(IdxSource& source, size_t header_size, size_t offset) {
    uint8_t bytes[4];
    const size_t got = source.read(bytes, sizeof bytes);
    if (got < sizeof bytes)
        source.fail("truncated header: the data ends after " + std::to_string(offset + got) +
                    " bytes, but the header is " + std::to_string(header_size) + " bytes");
    return read_be32(bytes);
}

// Reads exactly `expected` payload bytes and checks nothing follows them.
// `what` describes the declared content for messages, e.g. "60000 images".
std::vector<uint8_t> read_payload(IdxSource& source, uint64_t header_size, uint64_t expected,
                                  const std::string& what) {
    const std::string declared = "the header declares " + what + " (" + std::to_string(expected) +
                                 " bytes after the " + std::to_string(header_size) + "-byte header)";
    const uint64_t available = source.file_size() > header_size ? source.file_size() - header_size : 0;
    if (source.plain_size_known()) {
        // The file size tells the whole story up front, before any allocation.
        if (available < expected)
            source.fail("file is truncated: " + declared + " but only " + std::to_string(available) +
                        " bytes follow");
        if (available > expected)
            source.fail("file has " + std::to_string(available - expected) + " trailing bytes: " + declared +
                        " but the file is " + std::to_string(source.file_size()) + " bytes");
    }

    // Real IDX data compresses a few times at most; a header declaring far
    // more than the compressed file could hold is refused before inflating.
    if (source.gzipped() && expected > source.file_size() * kMaxGzipRatio + kGzipRatioSlack)
        source.fail("the header declares " + what + " (" + std::to_string(expected) +
                    " bytes) but the gzip file is only " + std::to_string(source.file_size()) +
                    " bytes; IDX data never compresses more than " + std::to_string(kMaxGzipRatio) +
                    ":1 (a decompression bomb?)");

    std::vector<uint8_t> data;
    // Grow only as data actually arrives, so a header that lies about its
    // count costs at most the initial buffer, never the claimed size.
    const uint64_t first =
        std::min<uint64_t>(expected, source.plain_size_known() ? available : kInitialGzipBuffer);
    data.resize(static_cast<size_t>(first));
    size_t have = 0;
    while (have < expected) {
        if (have == data.size())
            data.resize(static_cast<size_t>(std::min<uint64_t>(
                expected, std::max<uint64_t>(uint64_t{data.size()} * 2, kGzipBufferSize))));
        const size_t want = data.size() - have;
        const size_t got = source.read(data.data() + have, want);
        have += got;
        if (got < want)
            break;
    }
    if (have < expected)
        source.fail(
            std::string(source.gzipped() ? "decompressed data is truncated: " : "file is truncated: ") +
            declared + " but only " + std::to_string(have) + " bytes follow");

    uint8_t scratch[4096];
    uint64_t trailing = 0;
    for (;;) {
        const size_t got = source.read(scratch, sizeof scratch);
        trailing += got;
        if (got < sizeof scratch || trailing >= kMaxTrailingScan)
            break;
    }
    if (trailing > 0)
        source.fail(std::string(source.gzipped() ? "decompressed data has " : "file has ") +
                    (trailing >= kMaxTrailingScan ? "at least " : "") + std::to_string(trailing) +
                    " trailing bytes after the end declared by the header (" + what + ")");
    return data;
}

struct Part {
    const uint8_t* data;
    size_t size;
};

// Through the core's one atomic writer, so readers never see a half-written
// file and a failure leaves any previous file intact.
void write_atomically(const std::string& path, std::initializer_list<Part> parts) {
    const auto cannot = [&](const std::string& why) { fail(path, "cannot write: " + why); };
    mergelab::write_atomically(path, [&](int fd) {
        if (!ends_with(path, ".gz")) {
            for (const Part& part : parts)
                write_all(fd, part.data, part.size);
            return;
        }
        // gzclose closes the descriptor zlib was given, and the file must
        // stay open to be flushed to disk after it.
        const int gz_fd = ::dup(fd);
        if (gz_fd < 0)
            cannot(errno_text(errno));
        gzFile gz = gzdopen(gz_fd, "wb");
        if (gz == nullptr) {
            const int saved = errno ? errno : ENOMEM;
            ::close(gz_fd);
            cannot(errno_text(saved));
        }
        gzbuffer(gz, kGzipBufferSize);
        for (const Part& part : parts) {
            for (size_t done = 0; done < part.size;) {
                const size_t chunk = std::min(part.size - done, kMaxChunk);
                if (gzwrite(gz, part.data + done, static_cast<unsigned>(chunk)) != static_cast<int>(chunk)) {
                    const int saved = errno;
                    int code = Z_OK;
                    const char* message = gzerror(gz, &code);
                    const std::string why = code == Z_ERRNO ? errno_text(saved) : message;
                    gzclose(gz);
                    cannot(why);
                }
                done += chunk;
            }
        }
        // gzclose flushes the last block and the trailer, so it can fail too.
        const int closed = gzclose(gz);
        if (closed != Z_OK)
            cannot(closed == Z_ERRNO ? errno_text(errno) : "gzip stream could not be finished");
    });
}

} // namespace

namespace {

// std::bad_alloc names nothing; the caller must learn which file asked.
template <typename Read> auto naming_the_file(const std::string& path, Read read) {
    try {
        return read();
    } catch (const std::bad_alloc&) {
        fail(path, "not enough memory to hold the data its header declares");
    }
}

} // namespace

namespace {

constexpr size_t kImagesHeaderSize = 16;

// Reads and checks the image file's header; returns the image count.
uint32_t read_images_header(IdxSource& source) {
    check_magic(source, kIdxImagesMagic, "image");
    const uint32_t count = read_header_word(source, kImagesHeaderSize, 4);
    const uint32_t rows = read_header_word(source, kImagesHeaderSize, 8);
    const uint32_t cols = read_header_word(source, kImagesHeaderSize, 12);
    if (rows != kImageSide || cols != kImageSide)
        source.fail("image dimensions are " + std::to_string(rows) + "x" + std::to_string(cols) +
                    ", expected " + std::to_string(kImageSide) + "x" + std::to_string(kImageSide));
    if (count > kMaxItems)
        source.fail("header claims " + std::to_string(count) + " images, more than the limit of " +
                    std::to_string(kMaxItems) + " (corrupt header?)");
    return count;
}

} // namespace

int64_t read_idx_image_count(const std::string& path) {
    IdxSource source(path);
    return read_images_header(source);
}

IdxImages read_idx_images(const std::string& path, int64_t expected_count) {
    return naming_the_file(path, [&] {
        IdxSource source(path);
        const uint32_t count = read_images_header(source);
        if (expected_count >= 0 && count != uint64_t(expected_count))
            source.fail("header declares " + std::to_string(count) + " images but " +
                        std::to_string(expected_count) + " were expected (as many as labels)");
        IdxImages images;
        images.count = count;
        images.rows = kImageSide;
        images.cols = kImageSide;
        const std::string side = std::to_string(kImageSide);
        images.pixels = read_payload(source, kImagesHeaderSize, uint64_t{count} * kImageSide * kImageSide,
                                     std::to_string(count) + " images of " + side + "x" + side);
        return images;
    });
}

std::vector<uint8_t> read_idx_labels(const std::string& path) {
    return naming_the_file(path, [&] {
        IdxSource source(path);
        constexpr size_t kHeaderSize = 8;
        check_magic(source, kIdxLabelsMagic, "label");
        const uint32_t count = read_header_word(source, kHeaderSize, 4);
        if (count > kMaxItems)
            source.fail("header claims " + std::to_string(count) + " labels, more than the limit of " +
                        std::to_string(kMaxItems) + " (corrupt header?)");

        std::vector<uint8_t> labels =
            read_payload(source, kHeaderSize, count, std::to_string(count) + " labels");
        const auto bad = std::find_if(labels.begin(), labels.end(),
                                      [](uint8_t label) { return label >= kFashionClasses; });
        if (bad != labels.end()) {
            const auto how_many =
                std::count_if(bad, labels.end(), [](uint8_t label) { return label >= kFashionClasses; });
            source.fail("label " + std::to_string(*bad) + " at index " +
                        std::to_string(bad - labels.begin()) + " is outside 0.." +
                        std::to_string(kFashionClasses - 1) + " (" + std::to_string(how_many) +
                        " label(s) out of range)");
        }
        return labels;
    });
}

void write_idx_images(const std::string& path, const IdxImages& images) {
    constexpr uint64_t kMaxWord = std::numeric_limits<uint32_t>::max();
    if (images.count < 0 || uint64_t(images.count) > kMaxWord || images.rows < 0 || images.cols < 0)
        fail(path, "cannot write: invalid image count or dimensions (" + std::to_string(images.count) +
                       " images of " + std::to_string(images.rows) + "x" + std::to_string(images.cols) + ")");
    const uint64_t expected = uint64_t(images.count) * uint64_t(images.rows) * uint64_t(images.cols);
    if (images.pixels.size() != expected)
        fail(path, "cannot write: " + std::to_string(images.count) + " images of " +
                       std::to_string(images.rows) + "x" + std::to_string(images.cols) + " need " +
                       std::to_string(expected) + " pixel bytes, but " +
                       std::to_string(images.pixels.size()) + " were given");

    uint8_t header[16];
    put_be32(header, kIdxImagesMagic);
    put_be32(header + 4, static_cast<uint32_t>(images.count));
    put_be32(header + 8, static_cast<uint32_t>(images.rows));
    put_be32(header + 12, static_cast<uint32_t>(images.cols));
    write_atomically(path, {{header, sizeof header}, {images.pixels.data(), images.pixels.size()}});
}

void write_idx_labels(const std::string& path, const std::vector<uint8_t>& labels) {
    if (labels.size() > std::numeric_limits<uint32_t>::max())
        fail(path, "cannot write: " + std::to_string(labels.size()) + " labels do not fit an IDX header");
    uint8_t header[8];
    put_be32(header, kIdxLabelsMagic);
    put_be32(header + 4, static_cast<uint32_t>(labels.size()));
    write_atomically(path, {{header, sizeof header}, {labels.data(), labels.size()}});
}

} // namespace mergelab
