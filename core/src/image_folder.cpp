#include "mergelab/image_folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <openssl/evp.h>

#include "image_decode.h"
#include "mergelab/error.h"

namespace fs = std::filesystem;
using mergelab::image_decode::decode_file;
using mergelab::image_decode::ImageFile;
using mergelab::image_decode::open_image_file;

namespace mergelab {

namespace {

constexpr int kMinClasses = 2;
constexpr size_t kExamples = 5;
// Bumped whenever decoding or the cache layout changes, so old caches miss.
constexpr uint32_t kCacheVersion = 2;
constexpr char kCacheMagic[8] = {'M', 'L', 'I', 'M', 'G', 'S', 'E', 'T'};

// One listed file. Only its name is kept (short names need no allocation of
// their own): the listing of a big folder stays a small share of its pixels.
struct Entry {
    std::string name;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    uint16_t folder = 0; // FolderListing::folders
    uint8_t label = 0;
    bool test = false;
    // Known from the listing not to be an image, so never opened: an errno
    // from stat(), or kNotRegular, kTooLarge.
    int refused = 0;
};
constexpr int kNotRegular = -1, kTooLarge = -2;

std::string refusal(int refused) {
    if (refused == kNotRegular)
        return "is not a regular file";
    if (refused == kTooLarge)
        return "is larger than " + std::to_string(kMaxImageFileBytes >> 20) + " MB";
    return std::string("cannot be opened (") + std::strerror(refused) + ")";
}

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

// One class folder's files, in name order, with what the cache key needs.
// stat() follows a symlink, so a FIFO, a device or a loop behind a link is
// refused here, before anything opens it.
void list_class_files(const std::string& dir, int label, uint16_t folder, bool test,
                      std::vector<Entry>& out) {
    const size_t first = out.size();
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        Entry e;
        e.name = it->path().filename().string();
        if (e.name.rfind('.', 0) == 0)
            continue; // hidden files
        e.label = uint8_t(label);
        e.folder = folder;
        e.test = test;
        struct stat st;
        if (::stat((dir + "/" + e.name).c_str(), &st) == 0) {
            if (S_ISDIR(st.st_mode))
                continue;
            e.size = st.st_size;
            e.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
            if (!S_ISREG(st.st_mode))
                e.refused = kNotRegular;
            else if (st.st_size > kMaxImageFileBytes)
                e.refused = kTooLarge;
        } else {
            e.refused = errno;
        }
        out.push_back(std::move(e));
    }
    if (ec)
        throw Error(dir + ": cannot list the class folder (" + ec.message() + ")");
    std::sort(out.begin() + std::ptrdiff_t(first), out.end(),
              [](const Entry& a, const Entry& b) { return a.name < b.name; });
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

struct FolderListing {
    std::vector<std::string> classes;
    std::vector<std::string> folders; // the class folders the files are in
    std::vector<Entry> files;         // every class's files, the held-out ones marked `test`
    bool split_given = false;
    std::string path(const Entry& e) const { return folders[e.folder] + "/" + e.name; }
};

// The manifest is hashed as it is made rather than written out first: for a
// big folder it would be as large as the listing again.
std::string cache_key(const fs::path& root, const FolderListing& listing, bool colour) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
    auto add = [md](const std::string& text) { EVP_DigestUpdate(md, text.data(), text.size()); };
    add(std::to_string(kCacheVersion) + '\n' + fs::absolute(root).string() + '\n' +
        (colour ? "rgb" : "grey") + '\n');
    for (const auto& c : listing.classes)
        add(c + '\n');
    for (const auto& f : listing.files)
        // Which files are held out, not the share asked for: a train/test
        // layout keeps one cache whatever --test-fraction says.
        add(listing.path(f) + '\0' + std::to_string(f.size) + ' ' + std::to_string(f.mtime_ns) + ' ' +
            std::to_string(int(f.label)) + ' ' + (f.test ? '1' : '0') + '\n');
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(md, digest, &length);
    EVP_MD_CTX_free(md);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i)
        out += hex[digest[i] >> 4], out += hex[digest[i] & 15];
    return out;
}

// Cache file: magic, version, the image format, class names, then for the
// training and the test set their size, labels and pixels.
void write_cache(const std::string& path, const ImageFolderLoad& load) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    {
        // Written from the sets themselves, never through a copy of them.
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

// Read straight into the sets, never whole into memory first (that would be
// the decoded set twice), with every count bounded by what is left of the
// file, and the file's end where the counts say.
bool read_cache(const std::string& path, int classes, bool colour, ImageFolderLoad& load) {
    ImageFile file;
    int64_t left = 0;
    try {
        open_image_file(path, file, &left, INT64_MAX);
    } catch (const Error&) {
        return false;
    }
    auto take = [&](void* dst, int64_t n) {
        if (n < 0 || n > left || std::fread(dst, 1, size_t(n), file.file) != size_t(n))
            return false;
        left -= n;
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
        if (!take(&n, 4) || int64_t(n) > left)
            return false;
        std::string name(n, '\0');
        if (!take(name.data(), n))
            return false;
        class_names.push_back(std::move(name));
    }
    int64_t skipped = 0;
    if (!take(&skipped, 8) || skipped < 0)
        return false;
    Dataset sets[2] = {like, like};
    for (auto& set : sets) {
        int64_t n = 0;
        if (!take(&n, 8) || n < 0 || n > left / (1 + like.image_bytes()))
            return false;
        set.labels.resize(size_t(n));
        set.pixels.resize(size_t(n * like.image_bytes()));
        if (!take(set.labels.data(), int64_t(set.labels.size())) ||
            !take(set.pixels.data(), int64_t(set.pixels.size())))
            return false;
        for (uint8_t l : set.labels)
            if (l >= classes)
                return false;
    }
    if (left != 0 || std::fgetc(file.file) != EOF)
        return false;
    load.data.class_names = std::move(class_names);
    load.data.train = std::move(sets[0]);
    load.data.test = std::move(sets[1]);
    load.skipped = skipped;
    load.decoded = load.data.train.size() + load.data.test.size();
    load.from_cache = true;
    return true;
}

} // namespace

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

FolderListing list_image_folder(const std::string& dir, const ImageFolderOptions& options) {
    const fs::path root(dir);
    FolderListing out;
    out.split_given = fs::is_directory(root / "train") && fs::is_directory(root / "test");
    const fs::path train_root = out.split_given ? root / "train" : root;
    out.classes = sub_folders(train_root);
    const auto& classes = out.classes;
    if (int(classes.size()) < kMinClasses || int(classes.size()) > kMaxClasses)
        throw Error(dir + ": holds " + std::to_string(classes.size()) +
                    " class folders; an image folder needs " + std::to_string(kMinClasses) + " to " +
                    std::to_string(kMaxClasses));
    for (size_t c = 0; c < classes.size(); ++c) {
        out.folders.push_back((train_root / classes[c]).string());
        list_class_files(out.folders.back(), int(c), uint16_t(out.folders.size() - 1), false, out.files);
    }
    if (out.split_given) {
        const auto test_classes = sub_folders(root / "test");
        for (const auto& c : test_classes)
            if (!std::binary_search(classes.begin(), classes.end(), c))
                throw Error((root / "test" / c).string() + ": class \"" + c + "\" has no folder under " +
                            train_root.string());
        // Test folders are matched to the training classes by name.
        for (size_t c = 0; c < classes.size(); ++c) {
            if (!std::binary_search(test_classes.begin(), test_classes.end(), classes[c]))
                continue;
            out.folders.push_back((root / "test" / classes[c]).string());
            list_class_files(out.folders.back(), int(c), uint16_t(out.folders.size() - 1), true, out.files);
        }
    } else {
        hold_out(out.files, int(classes.size()), options.test_fraction, options.seed);
    }
    return out;
}

// Decodes every file the listing does not refuse on `threads` threads, each
// image straight into its place in the training or test set.
//
// The peak stays below twice the decoded set (test_image_folder measures it):
// each set is sized once, one image per file that may be one, and filled in
// place, so there is no per-image buffer to gather from and no set growing by
// doubling; what a thread holds besides is one decoder's state. The skipped
// files' places are closed up afterwards by moving images down in the same
// buffer.
void decode_into(const FolderListing& listing, bool colour, int threads,
                 const std::function<void(int64_t, int64_t)>& progress, ImageFolderLoad& load) {
    const std::vector<Entry>& files = listing.files;
    const Dataset like = image_format(colour);
    const size_t bytes = size_t(like.image_bytes());
    Dataset* sets[2] = {&load.data.train, &load.data.test};
    *sets[0] = *sets[1] = like;
    std::vector<uint32_t> place(files.size(), 0);
    size_t count[2] = {0, 0};
    for (size_t i = 0; i < files.size(); ++i)
        if (files[i].refused == 0)
            place[i] = uint32_t(count[files[i].test]++);
    for (int s = 0; s < 2; ++s)
        sets[s]->pixels.resize(count[s] * bytes);

    std::vector<uint8_t> ok(files.size(), 0);
    std::vector<std::pair<size_t, std::string>> failed;
    std::mutex lock;
    std::atomic<size_t> next{0};
    std::atomic<int64_t> done{0};
    auto work = [&] {
        for (size_t i = next++; i < files.size(); i = next++) {
            const Entry& e = files[i];
            std::string why;
            if (e.refused != 0) {
                why = refusal(e.refused);
            } else {
                try {
                    const std::vector<uint8_t> image = decode_file(listing.path(e), colour);
                    std::memcpy(sets[e.test]->pixels.data() + size_t(place[i]) * bytes, image.data(), bytes);
                    ok[i] = 1;
                } catch (const Error& error) {
                    why = error.what();
                } catch (const std::bad_alloc&) {
                    why = "is too large to decode";
                }
            }
            const int64_t finished = ++done;
            if (!why.empty() || (progress && finished % 256 == 0)) {
                std::lock_guard<std::mutex> hold(lock);
                if (!why.empty())
                    failed.emplace_back(i, std::move(why));
                else
                    progress(finished, int64_t(files.size()));
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    if (progress)
        progress(done.load(), int64_t(files.size()));

    size_t kept[2] = {0, 0};
    for (size_t i = 0; i < files.size(); ++i) {
        if (!ok[i])
            continue;
        Dataset& set = *sets[files[i].test];
        size_t& k = kept[files[i].test];
        if (k != place[i])
            std::memmove(set.pixels.data() + k * bytes, set.pixels.data() + size_t(place[i]) * bytes, bytes);
        set.labels.push_back(files[i].label);
        ++k;
    }
    for (int s = 0; s < 2; ++s) {
        sets[s]->pixels.resize(kept[s] * bytes);
        // Many skipped files would leave much of the buffer unused for as
        // long as the set lives; a copy now costs less than keeping it.
        if (kept[s] < count[s] - count[s] / 8)
            sets[s]->pixels.shrink_to_fit();
    }
    load.decoded = int64_t(kept[0] + kept[1]);
    load.skipped = int64_t(failed.size());
    std::sort(failed.begin(), failed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < failed.size() && k < kExamples; ++k)
        load.skipped_examples.push_back(listing.path(files[failed[k].first]) + ": " + failed[k].second);
}

} // namespace

std::vector<uint8_t> image_folder_train_labels(const std::string& dir, const ImageFolderOptions& options) {
    std::vector<uint8_t> labels;
    for (const Entry& e : list_image_folder(dir, options).files)
        if (!e.test)
            labels.push_back(e.label);
    return labels;
}

ImageFolderLoad load_image_folder(const std::string& dir, DataPart part, const ImageFolderOptions& options) {
    const FolderListing listing = list_image_folder(dir, options);
    const auto& classes = listing.classes;
    ImageFolderLoad load;
    auto keep_part = [&] {
        if (part == DataPart::Train)
            load.data.test = {};
        if (part == DataPart::Test)
            load.data.train = {};
        load.data.directory = dir;
    };
    const std::string cache = cache_folder(options);
    std::string cache_path;
    if (cache != "-") {
        std::error_code ec;
        fs::create_directories(cache, ec);
        cache_path = cache + "/" + cache_key(fs::path(dir), listing, options.colour) + ".bin";
        if (read_cache(cache_path, int(classes.size()), options.colour, load)) {
            keep_part();
            return load;
        }
    }

    const int threads =
        std::max(1, options.threads > 0 ? options.threads : int(std::thread::hardware_concurrency()));
    decode_into(listing, options.colour, threads, options.progress, load);
    std::vector<int64_t> per_class(classes.size(), 0);
    for (const Dataset* set : {&load.data.train, &load.data.test})
        for (uint8_t l : set->labels)
            ++per_class[l];
    for (size_t c = 0; c < classes.size(); ++c)
        if (per_class[c] == 0)
            throw Error(
                listing.folders[c] + ": class folder holds no readable PNG or JPEG image" +
                (load.skipped_examples.empty() ? "" : " (first skipped: " + load.skipped_examples[0] + ")"));
    load.data.class_names = classes;
    if (!cache_path.empty())
        write_cache(cache_path, load);
    keep_part();
    return load;
}

namespace {

// Whether any of about `sample` files spread over every class has colour:
// one coloured image is enough.
bool has_colour(const FolderListing& listing, int sample) {
    const std::vector<Entry>& files = listing.files;
    const size_t step = std::max<size_t>(1, files.size() / size_t(std::max(1, sample)));
    const size_t plane = size_t(kColourImageSide) * kColourImageSide;
    for (size_t i = 0; i < files.size(); i += step) {
        if (files[i].refused != 0)
            continue;
        try {
            const std::vector<uint8_t> p = decode_file(listing.path(files[i]), true);
            for (size_t k = 0; k < plane; ++k)
                if (p[k] != p[plane + k] || p[k] != p[2 * plane + k])
                    return true;
        } catch (const Error&) {
            // an unreadable file says nothing about the others
        }
    }
    return false;
}

} // namespace

bool image_folder_is_colour(const std::string& dir, int sample) {
    return has_colour(list_image_folder(dir, ImageFolderOptions{}), sample);
}

ImageFolderSummary image_folder_summary(const std::string& dir, const ImageFolderOptions& options,
                                        int sample) {
    const FolderListing listing = list_image_folder(dir, options);
    ImageFolderSummary out;
    for (const Entry& e : listing.files)
        if (!e.test)
            out.train_labels.push_back(e.label);
    out.class_names = listing.classes;
    out.colour = has_colour(listing, sample);
    return out;
}

std::vector<std::string> image_folder_class_names(const std::string& dir) {
    return list_image_folder(dir, ImageFolderOptions{}).classes;
}

} // namespace mergelab
