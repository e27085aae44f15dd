// Image folders as data: decoding, resizing, the train/test layouts, the
// cache, hostile files, and the same numbers as the IDX files of the same
// images (on the real Fashion-MNIST when it is installed).
#include <QtTest>

#include <fcntl.h>
#include <malloc.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <zlib.h>

#include <jpeglib.h>
#include <png.h>

#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/idx.h"
#include "mergelab/image_folder.h"
#include "mergelab/run_files.h"
#include "support/image_files.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_image_folder {

using namespace mergelab;
using mergelab::testing::image_file_name;
using mergelab::testing::run_cli;
using mergelab::testing::write_image_folder;
using mergelab::testing::write_png;
namespace fs = std::filesystem;

namespace {

void write_jpeg(const std::string& path, const uint8_t* pixels, int width, int height) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        qFatal("cannot write %s", path.c_str());
    jpeg_compress_struct info;
    jpeg_error_mgr error;
    info.err = jpeg_std_error(&error);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, f);
    info.image_width = JDIMENSION(width);
    info.image_height = JDIMENSION(height);
    info.input_components = 1;
    info.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 100, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t*>(pixels) + size_t(info.next_scanline) * width;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    std::fclose(f);
}

// The images in the loader's order: by class, then by file name.
Dataset in_folder_order(const Dataset& data) {
    Dataset out;
    for (int c = 0; c < kFashionClasses; ++c)
        for (int64_t i = 0; i < data.size(); ++i)
            if (data.labels[size_t(i)] == c) {
                out.labels.push_back(uint8_t(c));
                out.pixels.insert(out.pixels.end(), data.pixels.begin() + i * kImagePixels,
                                  data.pixels.begin() + (i + 1) * kImagePixels);
            }
    return out;
}

void write_idx_pair(const std::string& dir, const std::string& prefix, const Dataset& data) {
    IdxImages images;
    images.count = data.size();
    images.rows = kImageSide;
    images.cols = kImageSide;
    images.pixels = data.pixels;
    write_idx_images(dir + "/" + prefix + "-images-idx3-ubyte", images);
    write_idx_labels(dir + "/" + prefix + "-labels-idx1-ubyte", data.labels);
}

// A small PNG whose header claims width x height grey pixels: valid chunks
// and CRCs, and a little deflated data that would inflate far beyond it.
QByteArray png_bomb(quint32 width, quint32 height) {
    auto be = [](quint32 v) {
        QByteArray b(4, 0);
        for (int i = 0; i < 4; ++i)
            b[i] = char((v >> (24 - 8 * i)) & 0xff);
        return b;
    };
    auto chunk = [&](const QByteArray& type_and_data) {
        return be(quint32(type_and_data.size() - 4)) + type_and_data +
               be(quint32(crc32(0, reinterpret_cast<const Bytef*>(type_and_data.data()),
                                uInt(type_and_data.size()))));
    };
    const QByteArray zeros(1 << 20, '\0');
    uLongf packed_size = compressBound(uLong(zeros.size()));
    QByteArray packed(int(packed_size), '\0');
    compress(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
             reinterpret_cast<const Bytef*>(zeros.data()), uLong(zeros.size()));
    packed.resize(int(packed_size));
    return QByteArray("\x89PNG\r\n\x1a\n", 8) +
           chunk(QByteArray("IHDR") + be(width) + be(height) + QByteArray("\x08\x00\x00\x00\x00", 5)) +
           chunk(QByteArray("IDAT") + packed) + chunk(QByteArray("IEND"));
}

// This process's resident memory in bytes: "VmRSS" now, "VmHWM" its peak.
int64_t status_bytes(const char* key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(key, 0) == 0 && line[std::strlen(key)] == ':')
            return std::stoll(line.substr(std::strlen(key) + 1)) * 1024;
    return -1;
}

// How far the peak rose above the resident memory before `f` ran. Memory
// the allocator kept from earlier is handed back first, or `f` could reuse
// it unseen; writing "5" to clear_refs (Linux 4.0) restarts the peak.
template <class F> int64_t peak_growth(F&& f) {
    malloc_trim(0);
    {
        std::ofstream clear("/proc/self/clear_refs");
        clear << "5" << std::flush;
        if (!clear)
            return -1;
    }
    const int64_t before = status_bytes("VmRSS");
    f();
    return status_bytes("VmHWM") - before;
}

// What the loaded images take as the core keeps them: pixels and labels.
int64_t decoded_bytes(const ImageFolderLoad& load) {
    const Dataset& like = load.data.train;
    return load.decoded * (like.image_bytes() + 1);
}

// Every kind of hostile file, added to `class_dir`; `outside` receives the
// file a hard link inside points to. Returns how many will be skipped (the
// hard link is a good image and is read).
int add_hostile_files(const std::string& class_dir, const std::string& outside, const std::string& image) {
    std::ofstream(class_dir + "/notes.png") << "not an image at all";
    std::ifstream in(image, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(class_dir + "/truncated.png", std::ios::binary)
        .write(bytes.data(), std::streamsize(bytes.size() / 2));
    const QByteArray bomb = png_bomb(50000, 50000);
    std::ofstream(class_dir + "/bomb.png", std::ios::binary).write(bomb.data(), bomb.size());
    fs::create_directories(outside);
    std::ofstream(outside + "/outside.png", std::ios::binary)
        .write(bytes.data(), std::streamsize(bytes.size()));
    bool made = ::symlink("loop.png", (class_dir + "/loop.png").c_str()) == 0 &&
                ::mkfifo((class_dir + "/pipe.png").c_str(), 0600) == 0 &&
                ::symlink("/dev/zero", (class_dir + "/zero.png").c_str()) == 0 &&
                ::link((outside + "/outside.png").c_str(), (class_dir + "/linked.png").c_str()) == 0;
    // Holes only: a terabyte the size check refuses, and 60 MB it lets
    // through, which must not be read whole to find it is no image.
    std::ofstream(class_dir + "/huge.png").close();
    std::ofstream(class_dir + "/sparse.png").close();
    made = made && ::truncate((class_dir + "/huge.png").c_str(), 1LL << 40) == 0 &&
           ::truncate((class_dir + "/sparse.png").c_str(), 60LL << 20) == 0;
    if (!made)
        qFatal("cannot make the hostile files in %s: %s", class_dir.c_str(), std::strerror(errno));
    return 8;
}

// Every file under `dir` with its size and modification time, and its bytes'
// checksum for a regular file, not following links.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        struct stat st;
        if (::lstat(e.path().c_str(), &st) != 0)
            continue;
        std::string what = std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                           std::to_string(st.st_mtim.tv_nsec);
        if (S_ISREG(st.st_mode) && st.st_size < (1 << 20)) {
            std::ifstream in(e.path(), std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), {});
            what += " " + std::to_string(
                              crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size())));
        }
        out[e.path().string()] = what;
    }
    return out;
}

// The names of the files opened in the folder `watch` watches since it was
// made (inotify reports a FIFO's open as any other).
std::set<std::string> opened(int watch) {
    std::set<std::string> names;
    alignas(inotify_event) char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(watch, buffer, sizeof buffer);
        if (n <= 0)
            break;
        for (ssize_t at = 0; at < n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
            if ((event->mask & IN_OPEN) && event->len > 0)
                names.insert(event->name);
            at += ssize_t(sizeof(inotify_event) + event->len);
        }
    }
    return names;
}

// Loads `dir` three ways, each measured alone: decoded without a cache,
// decoded with the cache written, and read back from that cache. Checks
// that the peak grows by less than twice the decoded set each time, that
// nothing outside `dir` but the cache changed, that the FIFO and the device
// were never opened, and returns the figures as a line.
QString measure_peaks(const std::string& dir, const std::string& class_dir, const std::string& cache,
                      const std::string& outside, int64_t expect_decoded, int64_t expect_skipped) {
    const auto before = snapshot(outside);
    const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watch < 0 || ::inotify_add_watch(watch, class_dir.c_str(), IN_OPEN) < 0)
        qFatal("inotify: %s", std::strerror(errno));
    ImageFolderOptions off;
    off.cache_dir = "-";
    ImageFolderOptions cached;
    cached.cache_dir = cache;
    struct Figure {
        const char* what;
        const ImageFolderOptions* options;
        bool from_cache;
        int64_t growth = 0, decoded = 0;
    } figures[] = {{"decoded, no cache", &off, false},
                   {"decoded, cache written", &cached, false},
                   {"read from the cache", &cached, true}};
    QString line;
    for (Figure& f : figures) {
        f.growth = peak_growth([&] {
            const ImageFolderLoad load = load_image_folder(dir, DataPart::Both, *f.options);
            if (load.from_cache != f.from_cache || load.decoded != expect_decoded ||
                load.skipped != expect_skipped)
                qFatal("%s: %lld decoded, %lld skipped, from the cache %d", f.what, (long long)load.decoded,
                       (long long)load.skipped, int(load.from_cache));
            f.decoded = decoded_bytes(load);
        });
        if (f.growth < 0)
            return "no /proc/self/clear_refs";
        line += QString("%1: peak +%2 MB for a %3 MB decoded set (%4x); ")
                    .arg(f.what)
                    .arg(f.growth / 1e6, 0, 'f', 1)
                    .arg(f.decoded / 1e6, 0, 'f', 1)
                    .arg(double(f.growth) / double(f.decoded), 0, 'f', 2);
    }
    const std::set<std::string> names = opened(watch);
    ::close(watch);
    for (const Figure& f : figures)
        if (f.growth >= 2 * f.decoded)
            return "over twice the decoded set: " + line;
    if (names.count("pipe.png") || names.count("zero.png") || names.count("loop.png") ||
        names.count("huge.png"))
        return "a file that is no image was opened";
    // The watch does see a FIFO opened, so the check above could fail.
    const int watch2 = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    ::inotify_add_watch(watch2, class_dir.c_str(), IN_OPEN);
    const int fd2 = ::open((class_dir + "/pipe.png").c_str(), O_RDONLY | O_NONBLOCK);
    const bool seen = opened(watch2).count("pipe.png") == 1;
    ::close(fd2), ::close(watch2);
    if (!seen)
        return "inotify does not report a FIFO's open";
    if (snapshot(outside) != before)
        return "a file outside the folder changed";
    return "ok " + line;
}

int64_t peak_rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6));
    return -1;
}

} // namespace

class TestImageFolder : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    ImageFolderOptions noCache() {
        ImageFolderOptions o;
        o.cache_dir = "-";
        o.threads = 2;
        return o;
    }

private slots:
    void resizeAveragesByAreaAndCutsTheCentre() {
        // 56 x 84 (w x h): the centred 56 x 56 square, then 2 x 2 blocks.
        std::vector<uint8_t> big(size_t(56) * 84);
        for (int y = 0; y < 84; ++y)
            for (int x = 0; x < 56; ++x)
                big[size_t(y) * 56 + x] = uint8_t((x * 3 + y * 5) % 251);
        const std::string path = tmp_.filePath("tall.png").toStdString();
        write_png(path, big.data(), 56, 84);
        std::ifstream in(path, std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
        const auto small = decode_image_28(bytes);
        QCOMPARE(small.size(), size_t(kImagePixels));
        for (int oy = 0; oy < 28; oy += 5)
            for (int ox = 0; ox < 28; ox += 3) {
                double sum = 0;
                for (int dy = 0; dy < 2; ++dy)
                    for (int dx = 0; dx < 2; ++dx)
                        sum += big[size_t(14 + 2 * oy + dy) * 56 + 2 * ox + dx];
                QCOMPARE(int(small[size_t(oy) * 28 + ox]), int(std::lround(sum / 4)));
            }
    }

    void jpegAndColourPngDecode() {
        std::vector<uint8_t> grey(kImagePixels, 200);
        const std::string jpg = tmp_.filePath("flat.jpg").toStdString();
        write_jpeg(jpg, grey.data(), 28, 28);
        std::ifstream in(jpg, std::ios::binary);
        const auto out = decode_image_28(std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {}));
        for (uint8_t v : out)
            QVERIFY(std::abs(int(v) - 200) <= 1);
        // A pure red RGB PNG becomes one grey level, the same everywhere.
        std::vector<uint8_t> red(size_t(kImagePixels) * 3, 0);
        for (int i = 0; i < kImagePixels; ++i)
            red[size_t(i) * 3] = 255;
        const std::string rgb = tmp_.filePath("red.png").toStdString();
        write_png(rgb, red.data(), 28, 28, true);
        std::ifstream in2(rgb, std::ios::binary);
        const auto r = decode_image_28(std::vector<uint8_t>((std::istreambuf_iterator<char>(in2)), {}));
        QVERIFY(r[0] > 20 && r[0] < 200);
        QVERIFY(std::all_of(r.begin(), r.end(), [&](uint8_t v) { return v == r[0]; }));
    }

    void trainTestLayoutEqualsTheImagesAndIsCached() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(4, 2);
        const std::string dir = tmp_.filePath("split").toStdString();
        write_image_folder(dir + "/train", synthetic.train);
        write_image_folder(dir + "/test", synthetic.test);
        QVERIFY(is_image_folder(dir));
        ImageFolderOptions o;
        o.cache_dir = tmp_.filePath("cache").toStdString();
        const ImageFolderLoad first = load_image_folder(dir, DataPart::Both, o);
        QVERIFY(!first.from_cache);
        QCOMPARE(first.skipped, int64_t(0));
        QCOMPARE(first.data.class_names.size(), size_t(10));
        QCOMPARE(first.data.class_names.front(), std::string("c0"));
        const Dataset train = in_folder_order(synthetic.train), test = in_folder_order(synthetic.test);
        QVERIFY(first.data.train.pixels == train.pixels);
        QVERIFY(first.data.train.labels == train.labels);
        QVERIFY(first.data.test.pixels == test.pixels);
        const ImageFolderLoad again = load_image_folder(dir, DataPart::Both, o);
        QVERIFY(again.from_cache);
        QVERIFY(again.data.train.pixels == train.pixels);
        QVERIFY(again.data.test.labels == test.labels);
        QVERIFY(again.data.class_names == first.data.class_names);
        // A touched file is a different data set: the cache misses.
        const std::string one = dir + "/train/c3/" + image_file_name(3);
        QVERIFY(::truncate(one.c_str(), 10) == 0);
        const ImageFolderLoad changed = load_image_folder(dir, DataPart::Both, o);
        QVERIFY(!changed.from_cache);
        QCOMPARE(changed.skipped, int64_t(1));
        // A damaged cache file is not believed.
        for (const auto& e : fs::directory_iterator(o.cache_dir)) {
            std::ofstream(e.path(), std::ios::binary | std::ios::in | std::ios::out).write("XXXXXXXX", 8);
        }
        QVERIFY(!load_image_folder(dir, DataPart::Both, o).from_cache);
    }

    void classFoldersOnlyHoldOutAStratifiedShare() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(10, 1);
        const std::string dir = tmp_.filePath("flat").toStdString();
        write_image_folder(dir, synthetic.train);
        ImageFolderOptions o = noCache();
        o.test_fraction = 0.2;
        const ImageFolderLoad load = load_image_folder(dir, DataPart::Both, o);
        QCOMPARE(load.data.test.size(), int64_t(20));
        QCOMPARE(load.data.train.size(), int64_t(80));
        std::array<int, 10> per{};
        for (uint8_t l : load.data.test.labels)
            ++per[l];
        for (int n : per)
            QCOMPARE(n, 2);
        // The same seed holds out the same images.
        QVERIFY(load_image_folder(dir, DataPart::Both, o).data.test.pixels == load.data.test.pixels);
        o.seed = 2;
        QVERIFY(load_image_folder(dir, DataPart::Both, o).data.test.pixels != load.data.test.pixels);
    }

    void hostileFilesAreSkippedAndCounted() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(2, 1);
        const std::string dir = tmp_.filePath("hostile").toStdString();
        write_image_folder(dir, synthetic.train);
        const std::string c0 = dir + "/c0/";
        std::ofstream(c0 + "notes.png") << "not an image at all";
        {
            std::ifstream in(c0 + image_file_name(0), std::ios::binary);
            std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
            std::ofstream(c0 + "truncated.png", std::ios::binary)
                .write(bytes.data(), std::streamsize(bytes.size() / 2));
        }
        const QByteArray bomb = png_bomb(50000, 50000);
        std::ofstream(c0 + "bomb.png", std::ios::binary).write(bomb.data(), bomb.size());
        QVERIFY(::symlink("loop.png", (c0 + "loop.png").c_str()) == 0);
        QVERIFY(::mkfifo((c0 + "pipe.png").c_str(), 0600) == 0);
        QVERIFY(::symlink("/dev/zero", (c0 + "zero.png").c_str()) == 0);
        const int64_t before = peak_rss_kb();
        const ImageFolderLoad load = load_image_folder(dir, DataPart::Both, noCache());
        qInfo("peak RSS %lld kB before, %lld kB after", (long long)before, (long long)peak_rss_kb());
        QCOMPARE(load.skipped, int64_t(6));
        QCOMPARE(load.decoded, int64_t(20));
        QCOMPARE(load.skipped_examples.size(), size_t(5));
        QString all;
        for (const auto& e : load.skipped_examples)
            all += QString::fromStdString(e) + "\n";
        QVERIFY2(all.contains("bomb.png: claims 50000 x 50000 pixels"), qPrintable(all));
        QVERIFY2(all.contains("loop.png: cannot be opened"), qPrintable(all));
        QVERIFY2(all.contains("notes.png: is not a PNG or JPEG image"), qPrintable(all));
        QVERIFY2(all.contains("pipe.png: is not a regular file"), qPrintable(all));
        QVERIFY2(all.contains("truncated.png: is a damaged PNG"), qPrintable(all));
        // The bomb was never inflated: memory grew by far less than its claim.
        QVERIFY(peak_rss_kb() - before < 512 * 1024);
    }

    // A folder big enough that fixed costs do not hide the loader's own:
    // 10,000 small images and every kind of hostile file. However it is
    // loaded, the peak grows by less than twice the decoded set.
    void peakMemoryStaysUnderTwiceTheDecodedSet() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(1000, 1);
        const std::string dir = tmp_.filePath("peak").toStdString();
        write_image_folder(dir, synthetic.train);
        const std::string c0 = dir + "/c0";
        const int skipped =
            add_hostile_files(c0, tmp_.filePath("peak-outside").toStdString(), c0 + "/" + image_file_name(0));
        const QString result = measure_peaks(dir, c0, tmp_.filePath("peak-cache").toStdString(),
                                             tmp_.filePath("peak-outside").toStdString(), 10000 + 1, skipped);
        qInfo("%s", qPrintable(result));
        if (result == "no /proc/self/clear_refs")
            QSKIP("the kernel cannot restart the peak (Linux < 4.0)");
        QVERIFY2(result.startsWith("ok "), qPrintable(result));
    }

    // The same measurement on a folder of your own (docs/performance.md):
    //   MERGELAB_PEAK_FOLDER=/tmp/fmnist-png test_image_folder realFolderPeakMemory
    // adds the hostile files to the first training class once.
    void realFolderPeakMemory() {
        const QByteArray dir = qgetenv("MERGELAB_PEAK_FOLDER");
        if (dir.isEmpty())
            QSKIP("MERGELAB_PEAK_FOLDER not set");
        const std::string root = dir.toStdString();
        const bool split = fs::is_directory(root + "/train");
        const std::string base = split ? root + "/train" : root;
        std::vector<std::string> classes;
        for (const auto& e : fs::directory_iterator(base))
            if (e.is_directory())
                classes.push_back(e.path().string());
        std::sort(classes.begin(), classes.end());
        QVERIFY(!classes.empty());
        const std::string c0 = classes.front();
        if (!fs::exists(fs::symlink_status(c0 + "/bomb.png"))) {
            std::string image;
            for (const auto& e : fs::directory_iterator(c0))
                if (e.path().extension() == ".png" && (image.empty() || e.path().string() < image))
                    image = e.path().string();
            add_hostile_files(c0, root + "-outside", image);
        }
        ImageFolderOptions off;
        off.cache_dir = "-";
        int64_t decoded = 0, skipped = 0;
        {
            const ImageFolderLoad counted = load_image_folder(root, DataPart::Both, off);
            decoded = counted.decoded, skipped = counted.skipped;
        }
        const QString result = measure_peaks(root, c0, tmp_.filePath("real-cache").toStdString(),
                                             root + "-outside", decoded, skipped);
        qInfo("%lld images, %lld skipped. %s", (long long)decoded, (long long)skipped, qPrintable(result));
        QVERIFY2(result.startsWith("ok "), qPrintable(result));
    }

    void aClassWithNoReadableImageIsNamed() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(2, 1);
        const std::string dir = tmp_.filePath("emptyclass").toStdString();
        write_image_folder(dir, synthetic.train);
        fs::create_directories(dir + "/zz-empty");
        std::ofstream(dir + "/zz-empty/a.png") << "text";
        try {
            load_image_folder(dir, DataPart::Both, noCache());
            QFAIL("a class without images was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("zz-empty: class folder holds no readable"), e.what());
        }
        // One class folder is not a classification task.
        const std::string one = tmp_.filePath("oneclass").toStdString();
        fs::create_directories(one + "/only");
        QVERIFY_THROWS_EXCEPTION(Error, load_image_folder(one, DataPart::Both, noCache()));
    }

    // --test-fraction reaches the loader from the command line: half of each
    // class folder becomes the test set.
    void testFractionFromTheCommandLine() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(10, 1);
        const QString dir = tmp_.filePath("flat-cli");
        write_image_folder(dir.toStdString(), synthetic.train);
        qputenv("XDG_CACHE_HOME", tmp_.filePath("cli-cache").toUtf8());
        const QStringList run{"run", "--data",  dir,  "--split",   "V", "--envs",         "2", "--rounds",
                              "1",   "--batch", "16", "--threads", "1", "--test-fraction"};
        const auto half = run_cli(run + QStringList{"0.5"});
        QVERIFY2(half.exit_code == 0, qPrintable(half.err));
        QVERIFY2(half.err.contains("50 training, 50 test images"), qPrintable(half.err));
        const auto fifth = run_cli(run + QStringList{"0.2"});
        QVERIFY2(fifth.err.contains("80 training, 20 test images"), qPrintable(fifth.err));
        const auto wrong = run_cli(run + QStringList{"0.95"});
        QCOMPARE(wrong.exit_code, 2);
        QVERIFY2(wrong.err.contains("--test-fraction"), qPrintable(wrong.err));
    }

    // A generated colour set of five named classes: the colour model trains
    // it far beyond chance (20 %) in a 2-environment H run, and the run
    // names the classes as the folders do; the grey model refuses nothing
    // but reads the same folder as grey.
    void aColourSetTrainsTheColourModel() {
        const std::string dir = tmp_.filePath("shapes").toStdString();
        testing::write_colour_shapes(dir, 60, 5);
        QVERIFY(image_folder_is_colour(dir));
        QCOMPARE(image_folder_class_names(dir), testing::colour_shape_classes());
        // The setup's one listing says the same as the three calls.
        const ImageFolderSummary summary = image_folder_summary(dir);
        QVERIFY(summary.colour);
        QCOMPARE(summary.class_names, testing::colour_shape_classes());
        QVERIFY(summary.train_labels == image_folder_train_labels(dir));
        QCOMPARE(summary.train_labels.size(), size_t(240)); // 300 less the default fifth
        DataLoadOptions load;
        load.colour = true;
        load.test_fraction = 0.25;
        qputenv("XDG_CACHE_HOME", tmp_.filePath("shape-cache").toUtf8());
        const FashionMnist data = load_fashion_mnist(dir, DataPart::Both, load);
        QCOMPARE(data.class_names, testing::colour_shape_classes());
        QCOMPARE(data.train.channels, 3);
        QCOMPARE(data.train.side, kColourImageSide);
        QCOMPARE(data.train.size(), int64_t(225));
        QCOMPARE(data.test.size(), int64_t(75));
        QCOMPARE(data.train.pixels.size(), size_t(225 * 3 * 32 * 32));

        ExperimentConfig c = testing::small_config(4);
        c.model = "cnn-rgb";
        c.split.kind = "H";
        c.compare = {"avg"};
        c.local_epochs = 2;
        const auto runs = run_experiment(c, data);
        const RunResult& run = runs.at(0);
        QCOMPARE(run.class_names, testing::colour_shape_classes());
        // The default H groups of five classes: 0-2 and 3-4.
        QCOMPARE(run.envs.at(0).classes, (std::vector<int>{0, 1, 2}));
        QCOMPARE(run.envs.at(1).classes, (std::vector<int>{3, 4}));
        const MethodMetrics& merged = run.rounds.back().merged.at(0);
        QCOMPARE(merged.confusion.size(), size_t(5));
        QVERIFY2(merged.test_acc > 0.6, qPrintable(QString::number(merged.test_acc)));
        // Each environment alone knows only its own classes.
        for (const auto& e : run.rounds.back().envs)
            QVERIFY2(e.test_acc < 0.7, qPrintable(QString::number(e.test_acc)));

        // The run file keeps the names and 5x5 matrices, and reads back.
        const std::string out = tmp_.filePath("shapes-run").toStdString();
        c.out_dir = out;
        c.rounds = 1;
        run_experiment(c, data);
        const auto back = load_runs(out);
        QCOMPARE(back.at(0).class_names, testing::colour_shape_classes());
        QCOMPARE(back.at(0).config.classes, 5);
        QCOMPARE(back.at(0).rounds.at(0).merged.at(0).confusion.size(), size_t(5));

        // The grey model on colour data, and the colour model on grey data.
        ExperimentConfig grey = c;
        grey.model = "cnn";
        grey.out_dir.clear();
        QVERIFY_THROWS_EXCEPTION(UsageError, run_experiment(grey, data));
        const FashionMnist asGrey = load_fashion_mnist(dir, DataPart::Both);
        QCOMPARE(asGrey.train.channels, 1);
        QCOMPARE(run_experiment(grey, asGrey).at(0).rounds.size(), size_t(1));
    }

    // The command line decodes colour for the colour model and names the
    // classes in run.json and its table.
    void theCommandLineTrainsAColourFolder() {
        const QString dir = tmp_.filePath("shapes-cli");
        testing::write_colour_shapes(dir.toStdString(), 20, 9);
        qputenv("XDG_CACHE_HOME", tmp_.filePath("cli-cache").toUtf8());
        const QString out = tmp_.filePath("shapes-cli-run");
        const auto r = run_cli({"run", "--data", dir, "--model", "cnn-rgb", "--split", "H", "--rounds", "1",
                                "--batch", "16", "--threads", "1", "--out", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QFile f(out + "/run.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray json = f.readAll();
        QVERIFY(json.contains("\"yellow cross\""));
        const auto grey = run_cli({"run", "--data", "/usr/share/datasets/fashion-mnist", "--model", "cnn-rgb",
                                   "--rounds", "1", "--train-limit", "100"});
        if (!testing::real_data_dir().isEmpty()) {
            QCOMPARE(grey.exit_code, 2);
            QVERIFY2(grey.err.contains("cnn-rgb"), qPrintable(grey.err));
        }
    }

    // 2,000 real test images as PNG files: loaded back they equal the IDX
    // bytes, and a 1-round run on them gives the metrics of a run on IDX
    // files holding the same images.
    void realImagesGiveTheSameRun() {
        if (testing::real_data_dir().isEmpty())
            QSKIP("Fashion-MNIST not installed (dataset-fashion-mnist)");
        const FashionMnist real = load_fashion_mnist(kDefaultDataDir, DataPart::Test);
        Dataset train, test;
        for (int64_t i = 0; i < 2000; ++i) {
            Dataset& to = i < 1500 ? train : test;
            to.labels.push_back(real.test.labels[size_t(i)]);
            to.pixels.insert(to.pixels.end(), real.test.pixels.begin() + i * kImagePixels,
                             real.test.pixels.begin() + (i + 1) * kImagePixels);
        }
        const std::string pictures = tmp_.filePath("pictures").toStdString();
        write_image_folder(pictures + "/train", train);
        write_image_folder(pictures + "/test", test);
        const std::string idx = tmp_.filePath("idx").toStdString();
        fs::create_directories(idx);
        write_idx_pair(idx, "train", in_folder_order(train));
        write_idx_pair(idx, "t10k", in_folder_order(test));

        const FashionMnist fromPictures = load_fashion_mnist(pictures);
        const FashionMnist fromIdx = load_fashion_mnist(idx);
        QVERIFY(fromPictures.train.pixels == fromIdx.train.pixels);
        QVERIFY(fromPictures.train.labels == fromIdx.train.labels);
        QVERIFY(fromPictures.test.pixels == fromIdx.test.pixels);
        QVERIFY(fromPictures.test.labels == fromIdx.test.labels);

        ExperimentConfig c = testing::small_config(1);
        const auto a = run_experiment(c, fromPictures);
        const auto b = run_experiment(c, fromIdx);
        QCOMPARE(a.size(), b.size());
        const RoundResult& ra = a[0].rounds.at(0);
        const RoundResult& rb = b[0].rounds.at(0);
        QCOMPARE(ra.merged.size(), rb.merged.size());
        for (size_t m = 0; m < ra.merged.size(); ++m)
            QCOMPARE(ra.merged[m].test_acc, rb.merged[m].test_acc);
        for (size_t k = 0; k < ra.envs.size(); ++k)
            QCOMPARE(ra.envs[k].val_acc, rb.envs[k].val_acc);
    }
};

MERGELAB_TEST_GUILESS(test_image_folder, TestImageFolder)
} // namespace test_image_folder

#include "test_image_folder.moc"
