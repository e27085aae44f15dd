#include "mergelab/image_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <random>
#include <sstream>
#include <thread>

#include <jpeglib.h>
#include <openssl/sha.h>
#include <png.h>

#include "mergelab/error.h"

namespace fs = std::filesystem;

namespace mergelab {

namespace {

constexpr int kMinClasses = 2;
constexpr size_t kExamples = 5;
// Bumped whenever decoding or the cache layout changes, so old caches miss.
constexpr uint32_t kCacheVersion = 2;
constexpr char kCacheMagic[8] = {'M', 'L', 'I', 'M', 'G', 'S', 'E', 'T'};

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

Picture decode_png(const std::vector<uint8_t>& bytes, bool colour) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
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

// libjpeg reports errors by longjmp; nothing with a destructor may live
// between setjmp and the calls that can jump, so the output buffer is sized
// only after the header check and filled row by row into plain memory.
Picture decode_jpeg(const std::vector<uint8_t>& bytes, bool colour) {
    jpeg_decompress_struct info;
    JpegError error;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = jpeg_fail;
    error.manager.output_message = [](j_common_ptr) {}; // warnings are not the user's business
    Picture out;
    uint8_t* pixels = nullptr;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        std::free(pixels);
        throw Error(std::string("is a damaged JPEG (") + error.message + ")");
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&info, TRUE);
    const int64_t width = info.image_width, height = info.image_height;
    if (width <= 0 || height <= 0 || width * height > kMaxImagePixels) {
        jpeg_destroy_decompress(&info);
        check_dimensions(width, height); // throws with the claim
    }
    info.out_color_space = colour ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    const size_t row_bytes = size_t(info.output_width) * size_t(info.output_components);
    pixels = static_cast<uint8_t*>(std::malloc(row_bytes * info.output_height));
    if (!pixels) {
        jpeg_destroy_decompress(&info);
        throw Error("is too large to decode");
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + size_t(info.output_scanline) * row_bytes;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    out.width = int(info.output_width), out.height = int(info.output_height);
    out.channels = int(info.output_components);
    jpeg_destroy_decompress(&info);
    out.pixels.assign(pixels, pixels + row_bytes * size_t(out.height));
    std::free(pixels);
    return out;
}

// The largest centred square, averaged down to side x side by area: each
// output pixel is the mean of the source area it covers, partial pixels
// weighted by their overlap. An image already side x side is copied as is.
// Out come the channel planes one after another, as the models read them.
std::vector<uint8_t> square_area_resize(const Picture& in, int side) {
    const int edge = std::min(in.width, in.height);
    const int x0 = (in.width - edge) / 2, y0 = (in.height - edge) / 2;
    const size_t plane = size_t(side) * side;
    const int ch = in.channels;
    std::vector<uint8_t> out(plane * size_t(ch));
    if (edge == side) {
        for (int c = 0; c < ch; ++c)
            for (int y = 0; y < side; ++y)
                for (int x = 0; x < side; ++x)
                    out[c * plane + size_t(y) * side + x] =
                        in.pixels[(size_t(y0 + y) * in.width + x0 + x) * ch + c];
        return out;
    }
    const double scale = double(edge) / side;
    for (int oy = 0; oy < side; ++oy) {
        const double sy0 = oy * scale, sy1 = (oy + 1) * scale;
        for (int ox = 0; ox < side; ++ox) {
            const double sx0 = ox * scale, sx1 = (ox + 1) * scale;
            double sum[3] = {0, 0, 0}, area = 0;
            for (int y = int(sy0); y < int(std::ceil(sy1)) && y < edge; ++y) {
                const double wy = std::min<double>(y + 1, sy1) - std::max<double>(y, sy0);
                if (wy <= 0)
                    continue;
                const uint8_t* row = &in.pixels[(size_t(y0 + y) * in.width + x0) * ch];
                for (int x = int(sx0); x < int(std::ceil(sx1)) && x < edge; ++x) {
                    const double wx = std::min<double>(x + 1, sx1) - std::max<double>(x, sx0);
                    if (wx <= 0)
                        continue;
                    for (int c = 0; c < ch; ++c)
                        sum[c] += row[size_t(x) * ch + c] * wx * wy;
                    area += wx * wy;
                }
            }
            for (int c = 0; c < ch; ++c)
                out[c * plane + size_t(oy) * side + ox] =
                    uint8_t(std::clamp(std::lround(sum[c] / area), 0L, 255L));
        }
    }
    return out;
}

// A regular file's bytes, opened once and checked on the open descriptor:
// a FIFO, device or directory is refused without blocking, and a symlink
// loop fails in open() itself.
std::vector<uint8_t> read_image_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw Error(std::string("cannot be opened (") + std::strerror(errno) + ")");
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error("is not a regular file");
    }
    if (st.st_size > kMaxImageFileBytes) {
        ::close(fd);
        throw Error("is larger than " + std::to_string(kMaxImageFileBytes >> 20) + " MB");
    }
    std::vector<uint8_t> bytes(size_t(st.st_size));
    size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += size_t(n);
    }
    ::close(fd);
    bytes.resize(got); // a file that shrank while read is decoded as what arrived
    return bytes;
}

struct Entry {
    std::string path;
    int label = 0;
    bool test = false;
    int64_t size = 0;
    int64_t mtime_ns = 0;
};

bool has_idx_file(const fs::path& dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.find("-ubyte") != std::string::npos)
            return true;
    }
    return false;
}

std::vector<std::string> sub_folders(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_directory(type_ec))
            out.push_back(it->path().filename().string());
    }
    if (ec)
        throw Error(dir.string() + ": cannot list the folder (" + ec.message() + ")");
    std::sort(out.begin(), out.end());
    return out;
}

// The files of each class folder, in name order, with what the cache key needs.
std::vector<Entry> list_class_files(const fs::path& root, const std::vector<std::string>& classes,
                                    bool test) {
    std::vector<Entry> out;
    for (size_t c = 0; c < classes.size(); ++c) {
        const fs::path dir = root / classes[c];
        std::vector<Entry> files;
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().filename().string().rfind('.', 0) == 0)
                continue; // hidden files
            Entry e;
            e.path = it->path().string();
            e.label = int(c);
            e.test = test;
            struct stat st;
            if (::stat(e.path.c_str(), &st) == 0) {
                if (S_ISDIR(st.st_mode))
                    continue;
                e.size = st.st_size;
                e.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
            }
            files.push_back(std::move(e));
        }
        if (ec)
            throw Error(dir.string() + ": cannot list the class folder (" + ec.message() + ")");
        std::sort(files.begin(), files.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
        out.insert(out.end(), files.begin(), files.end());
    }
    return out;
}

// Which files of a train-only layout are held out: per class, a seeded
// shuffle, the first round(n * fraction) (at least 1 when a class has 2 or
// more images).
void hold_out(std::vector<Entry>& files, int classes, double fraction, uint64_t seed) {
    std::vector<std::vector<size_t>> by_class(static_cast<size_t>(classes));
    for (size_t i = 0; i < files.size(); ++i)
        by_class[size_t(files[i].label)].push_back(i);
    std::mt19937_64 rng(seed);
    for (auto& members : by_class) {
        for (size_t i = members.size(); i > 1; --i)
            std::swap(members[i - 1], members[rng() % i]);
        size_t n = size_t(std::llround(double(members.size()) * fraction));
        if (n == 0 && members.size() >= 2 && fraction > 0)
            n = 1;
        for (size_t i = 0; i < n && i < members.size(); ++i)
            files[members[i]].test = true;
    }
}

std::string cache_folder(const ImageFolderOptions& o) {
    if (!o.cache_dir.empty())
        return o.cache_dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/mergelab/images";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/mergelab/images";
    return "-";
}

std::string cache_key(const fs::path& root, const std::vector<std::string>& classes,
                      const std::vector<Entry>& files, bool colour) {
    std::ostringstream manifest;
    manifest << kCacheVersion << '\n'
             << fs::absolute(root).string() << '\n'
             << (colour ? "rgb" : "grey") << '\n';
    for (const auto& c : classes)
        manifest << c << '\n';
    for (const auto& f : files)
        // Which files are held out, not the share asked for: a train/test
        // layout keeps one cache whatever --test-fraction says.
        manifest << f.path << '\0' << f.size << ' ' << f.mtime_ns << ' ' << f.label << ' ' << f.test << '\n';
    const std::string text = manifest.str();
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest)
        out += hex[b >> 4], out += hex[b & 15];
    return out;
}

// Cache file: magic, version, the image format, class names, then for the
// training and the test set their size, labels and pixels. Read back with
// every count bounded by the file's own size, as any file.
void write_cache(const std::string& path, const ImageFolderLoad& load) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            return; // a cache that cannot be written only costs time
        auto put = [&out](const auto& v) { out.write(reinterpret_cast<const char*>(&v), sizeof v); };
        out.write(kCacheMagic, sizeof kCacheMagic);
        put(kCacheVersion);
        put(uint32_t(load.data.train.channels));
        put(uint32_t(load.data.train.side));
        put(uint32_t(load.data.class_names.size()));
        for (const auto& name : load.data.class_names) {
            put(uint32_t(name.size()));
            out.write(name.data(), std::streamsize(name.size()));
        }
        put(int64_t(load.skipped));
        for (const Dataset* set : {&load.data.train, &load.data.test}) {
            put(int64_t(set->size()));
            out.write(reinterpret_cast<const char*>(set->labels.data()), std::streamsize(set->labels.size()));
            out.write(reinterpret_cast<const char*>(set->pixels.data()), std::streamsize(set->pixels.size()));
        }
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            return;
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        fs::remove(tmp, ec);
}

bool read_cache(const std::string& path, int classes, bool colour, ImageFolderLoad& load) {
    std::vector<uint8_t> bytes;
    try {
        bytes = read_image_file(path); // the same checks: a regular file, bounded
    } catch (const Error&) {
        return false;
    }
    size_t at = 0;
    auto take = [&](void* dst, size_t n) {
        if (n > bytes.size() - at)
            return false;
        std::memcpy(dst, bytes.data() + at, n);
        at += n;
        return true;
    };
    char magic[8];
    uint32_t version = 0, channels = 0, side = 0, names = 0;
    const Dataset like = image_format(colour);
    if (!take(magic, 8) || std::memcmp(magic, kCacheMagic, 8) != 0 || !take(&version, 4) ||
        version != kCacheVersion || !take(&channels, 4) || int(channels) != like.channels ||
        !take(&side, 4) || int(side) != like.side || !take(&names, 4) || int(names) != classes)
        return false;
    std::vector<std::string> class_names;
    for (uint32_t i = 0; i < names; ++i) {
        uint32_t n = 0;
        if (!take(&n, 4) || n > bytes.size() - at)
            return false;
        class_names.emplace_back(reinterpret_cast<const char*>(bytes.data() + at), n);
        at += n;
    }
    int64_t skipped = 0;
    if (!take(&skipped, 8) || skipped < 0)
        return false;
    Dataset sets[2] = {like, like};
    for (auto& set : sets) {
        int64_t n = 0;
        if (!take(&n, 8) || n < 0 || uint64_t(n) > (bytes.size() - at) / uint64_t(1 + like.image_bytes()))
            return false;
        set.labels.resize(size_t(n));
        set.pixels.resize(size_t(n * like.image_bytes()));
        if (!take(set.labels.data(), set.labels.size()) || !take(set.pixels.data(), set.pixels.size()))
            return false;
        for (uint8_t l : set.labels)
            if (l >= classes)
                return false;
    }
    if (at != bytes.size())
        return false;
    load.data.class_names = std::move(class_names);
    load.data.train = std::move(sets[0]);
    load.data.test = std::move(sets[1]);
    load.skipped = skipped;
    load.decoded = load.data.train.size() + load.data.test.size();
    load.from_cache = true;
    return true;
}

Picture decode_picture(const std::vector<uint8_t>& bytes, bool colour) {
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (bytes.size() >= 8 && std::memcmp(bytes.data(), png_magic, 8) == 0)
        return decode_png(bytes, colour);
    if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        return decode_jpeg(bytes, colour);
    throw Error("is not a PNG or JPEG image");
}

} // namespace

Dataset image_format(bool colour) {
    Dataset d;
    d.channels = colour ? 3 : 1;
    d.side = colour ? kColourImageSide : kImageSide;
    return d;
}

std::vector<uint8_t> decode_image(const std::vector<uint8_t>& bytes, bool colour) {
    return square_area_resize(decode_picture(bytes, colour), image_format(colour).side);
}

std::vector<uint8_t> decode_image_28(const std::vector<uint8_t>& bytes) {
    return decode_image(bytes, false);
}

bool is_image_folder(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec) || has_idx_file(dir))
        return false;
    try {
        return !sub_folders(dir).empty();
    } catch (const Error&) {
        return false;
    }
}

namespace {

struct Listing {
    std::vector<std::string> classes;
    std::vector<Entry> files; // every class's files, the held-out ones marked `test`
};

Listing list_image_folder(const std::string& dir, const ImageFolderOptions& options) {
    const fs::path root(dir);
    const bool split_given = fs::is_directory(root / "train") && fs::is_directory(root / "test");
    const std::vector<std::string> classes = sub_folders(split_given ? root / "train" : root);
    if (int(classes.size()) < kMinClasses || int(classes.size()) > kMaxClasses)
        throw Error(dir + ": holds " + std::to_string(classes.size()) +
                    " class folders; an image folder needs " + std::to_string(kMinClasses) + " to " +
                    std::to_string(kMaxClasses));
    std::vector<Entry> files;
    if (split_given) {
        const auto test_classes = sub_folders(root / "test");
        for (const auto& c : test_classes)
            if (!std::binary_search(classes.begin(), classes.end(), c))
                throw Error((root / "test" / c).string() + ": class \"" + c + "\" has no folder under " +
                            (root / "train").string());
        files = list_class_files(root / "train", classes, false);
        // Test folders are matched to the training classes by name.
        std::vector<std::string> test_as_train(classes.size());
        for (size_t c = 0; c < classes.size(); ++c)
            if (std::binary_search(test_classes.begin(), test_classes.end(), classes[c]))
                test_as_train[c] = classes[c];
        for (size_t c = 0; c < classes.size(); ++c) {
            if (test_as_train[c].empty())
                continue;
            auto more = list_class_files(root / "test", {classes[c]}, true);
            for (auto& e : more)
                e.label = int(c);
            files.insert(files.end(), more.begin(), more.end());
        }
    } else {
        files = list_class_files(root, classes, false);
        hold_out(files, int(classes.size()), options.test_fraction, options.seed);
    }
    return {classes, std::move(files)};
}

} // namespace

std::vector<uint8_t> image_folder_train_labels(const std::string& dir, const ImageFolderOptions& options) {
    std::vector<uint8_t> labels;
    for (const Entry& e : list_image_folder(dir, options).files)
        if (!e.test)
            labels.push_back(uint8_t(e.label));
    return labels;
}

ImageFolderLoad load_image_folder(const std::string& dir, DataPart part, const ImageFolderOptions& options) {
    const fs::path root(dir);
    const bool split_given = fs::is_directory(root / "train") && fs::is_directory(root / "test");
    Listing listing = list_image_folder(dir, options);
    const std::vector<std::string>& classes = listing.classes;
    std::vector<Entry>& files = listing.files;

    ImageFolderLoad load;
    const std::string cache = cache_folder(options);
    std::string cache_path;
    if (cache != "-") {
        std::error_code ec;
        fs::create_directories(cache, ec);
        cache_path = cache + "/" + cache_key(root, classes, files, options.colour) + ".bin";
        if (read_cache(cache_path, int(classes.size()), options.colour, load)) {
            if (part == DataPart::Train)
                load.data.test = {};
            if (part == DataPart::Test)
                load.data.train = {};
            load.data.directory = dir;
            return load;
        }
    }

    // Decoding on every core; each worker takes the next file.
    std::vector<std::vector<uint8_t>> pixels(files.size());
    std::vector<std::string> why(files.size());
    std::atomic<size_t> next{0};
    std::atomic<int64_t> done{0};
    const int threads =
        std::max(1, options.threads > 0 ? options.threads : int(std::thread::hardware_concurrency()));
    std::mutex progress_lock;
    auto work = [&] {
        for (size_t i = next++; i < files.size(); i = next++) {
            try {
                pixels[i] = decode_image(read_image_file(files[i].path), options.colour);
            } catch (const Error& e) {
                why[i] = e.what();
            } catch (const std::bad_alloc&) {
                why[i] = "is too large to decode";
            }
            const int64_t finished = ++done;
            if (options.progress && finished % 256 == 0) {
                std::lock_guard<std::mutex> hold(progress_lock);
                options.progress(finished, int64_t(files.size()));
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    if (options.progress)
        options.progress(done.load(), int64_t(files.size()));

    load.data.train = load.data.test = image_format(options.colour);
    std::vector<int64_t> per_class(classes.size(), 0);
    for (size_t i = 0; i < files.size(); ++i) {
        if (!why[i].empty()) {
            ++load.skipped;
            if (load.skipped_examples.size() < kExamples)
                load.skipped_examples.push_back(files[i].path + ": " + why[i]);
            continue;
        }
        ++per_class[size_t(files[i].label)];
        Dataset& set = files[i].test ? load.data.test : load.data.train;
        set.labels.push_back(uint8_t(files[i].label));
        set.pixels.insert(set.pixels.end(), pixels[i].begin(), pixels[i].end());
        ++load.decoded;
    }
    for (size_t c = 0; c < classes.size(); ++c)
        if (per_class[c] == 0)
            throw Error(
                ((split_given ? root / "train" : root) / classes[c]).string() +
                ": class folder holds no readable PNG or JPEG image" +
                (load.skipped_examples.empty() ? "" : " (first skipped: " + load.skipped_examples[0] + ")"));
    load.data.class_names = classes;
    if (!cache_path.empty())
        write_cache(cache_path, load);
    if (part == DataPart::Train)
        load.data.test = {};
    if (part == DataPart::Test)
        load.data.train = {};
    load.data.directory = dir;
    return load;
}

bool image_folder_is_colour(const std::string& dir, int sample) {
    // A few files spread over every class: one coloured image is enough.
    const std::vector<Entry> files = list_image_folder(dir, ImageFolderOptions{}).files;
    const size_t step = std::max<size_t>(1, files.size() / size_t(std::max(1, sample)));
    for (size_t i = 0; i < files.size(); i += step) {
        try {
            const Picture p = decode_picture(read_image_file(files[i].path), true);
            for (size_t k = 0; k + 2 < p.pixels.size(); k += 3)
                if (p.pixels[k] != p.pixels[k + 1] || p.pixels[k] != p.pixels[k + 2])
                    return true;
        } catch (const Error&) {
            // an unreadable file says nothing about the others
        }
    }
    return false;
}

std::vector<std::string> image_folder_class_names(const std::string& dir) {
    return list_image_folder(dir, ImageFolderOptions{}).classes;
}

} // namespace mergelab
