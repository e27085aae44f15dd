#include "mergelab/dataset.h"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <future>
#include <system_error>

#include "mergelab/error.h"
#include "mergelab/i18n.h"
#include "mergelab/idx.h"
#include "mergelab/image_folder.h"
#include "mergelab/log.h"
#include "mergelab/model.h"

namespace fs = std::filesystem;

namespace mergelab {

const std::vector<std::string>& fashion_mnist_class_names() {
    static const std::vector<std::string> names = {
        QT_TRANSLATE_NOOP("mergelab", "T-shirt/top"), QT_TRANSLATE_NOOP("mergelab", "Trouser"),
        QT_TRANSLATE_NOOP("mergelab", "Pullover"),    QT_TRANSLATE_NOOP("mergelab", "Dress"),
        QT_TRANSLATE_NOOP("mergelab", "Coat"),        QT_TRANSLATE_NOOP("mergelab", "Sandal"),
        QT_TRANSLATE_NOOP("mergelab", "Shirt"),       QT_TRANSLATE_NOOP("mergelab", "Sneaker"),
        QT_TRANSLATE_NOOP("mergelab", "Bag"),         QT_TRANSLATE_NOOP("mergelab", "Ankle boot"),
    };
    return names;
}

bool colour_for_model(const std::string& model) {
    return find_architecture(model).channels == 3;
}

int class_count(const FashionMnist& data) {
    return data.class_names.empty() ? kFashionClasses : static_cast<int>(data.class_names.size());
}

std::string resolve_data_dir(const std::string& explicit_dir) {
    if (!explicit_dir.empty())
        return explicit_dir;
    // An empty variable is treated as unset: `MERGELAB_DATA= cmd` should not
    // mean "the current directory".
    const char* from_env = std::getenv("MERGELAB_DATA");
    if (from_env != nullptr && *from_env != '\0')
        return from_env;
    return kDefaultDataDir;
}

namespace {

constexpr const char* kHowToSetDir =
    "set the data directory with --data DIR or the MERGELAB_DATA environment variable";

bool present(const fs::path& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

// The downloads ship gzipped, but some people unpack them; take either,
// preferring the original .gz when both are present.
std::string find_file(const std::string& dir, const std::string& name) {
    const fs::path gz = fs::path(dir) / (name + ".gz");
    if (present(gz))
        return gz.string();
    const fs::path plain = fs::path(dir) / name;
    if (present(plain))
        return plain.string();
    throw Error(gz.string() + ": missing Fashion-MNIST file; MergeLab looked in " + dir + " for " + name +
                ".gz and " + name + " (" + kHowToSetDir + ")");
}

void check_counts(const std::string& images_path, int64_t images, const std::string& labels_path,
                  size_t labels) {
    if (static_cast<uint64_t>(images) != labels)
        throw Error(labels_path + ": holds " + std::to_string(labels) + " labels but " + images_path +
                    " holds " + std::to_string(images) + " images; the counts must match");
}

Dataset make_split(const std::string& images_path, IdxImages images, const std::string& labels_path,
                   std::vector<uint8_t> labels) {
    check_counts(images_path, images.count, labels_path, labels.size());
    // An empty split would only fail later, far from its cause.
    if (images.count == 0)
        throw Error(images_path + ": holds no images");

    Dataset data;
    data.pixels = std::move(images.pixels);
    data.labels = std::move(labels);
    return data;
}

} // namespace

FashionMnist load_fashion_mnist(const std::string& dir, DataPart part) {
    return load_fashion_mnist(dir, part, DataLoadOptions{});
}

FashionMnist load_fashion_mnist(const std::string& dir, DataPart part, const DataLoadOptions& options) {
    if (is_image_folder(dir)) {
        ImageFolderOptions folder;
        folder.progress = options.progress;
        folder.test_fraction = options.test_fraction;
        folder.colour = options.colour;
        const auto start = std::chrono::steady_clock::now();
        ImageFolderLoad load = load_image_folder(dir, part, folder);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (load.from_cache)
            logger()->info("{}: {} images read from the cache of their decoding in {:.2f} s", dir,
                           load.data.train.size() + load.data.test.size(), seconds);
        else
            logger()->info("{}: {} images decoded in {:.1f} s (cached for the next run)", dir, load.decoded,
                           seconds);
        if (load.skipped > 0) {
            // A cached decoding keeps the count, not the files' names. The
            // names get a line each: the log escapes a line break inside a
            // line, so that a file name cannot forge one.
            if (load.skipped_examples.empty()) {
                logger()->warn("{}: skipped {} unreadable files when it was decoded", dir, load.skipped);
            } else {
                logger()->warn("{}: skipped {} unreadable files, first:", dir, load.skipped);
                for (const auto& e : load.skipped_examples)
                    logger()->warn("  {}", e);
            }
        }
        return std::move(load.data);
    }
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (status.type() == fs::file_type::not_found)
        throw Error(dir + ": data directory does not exist (" + kHowToSetDir + ")");
    if (ec)
        throw Error(dir + ": cannot access data directory: " + ec.message());
    if (status.type() != fs::file_type::directory)
        throw Error(dir + ": is not a directory (expected the Fashion-MNIST data directory; " + kHowToSetDir +
                    ")");

    // Locate every needed file first: a missing file is the likeliest
    // mistake and should be reported before any slow decompression.
    const bool train = part != DataPart::Test, test = part != DataPart::Train;
    const std::string train_images_path = train ? find_file(dir, "train-images-idx3-ubyte") : "";
    const std::string train_labels_path = train ? find_file(dir, "train-labels-idx1-ubyte") : "";
    const std::string test_images_path = test ? find_file(dir, "t10k-images-idx3-ubyte") : "";
    const std::string test_labels_path = test ? find_file(dir, "t10k-labels-idx1-ubyte") : "";

    // The small label files come first: their counts bound the image
    // files, whose headers are checked against them before inflating.
    std::vector<uint8_t> train_labels;
    if (train) {
        const int64_t images = read_idx_image_count(train_images_path);
        train_labels = read_idx_labels(train_labels_path);
        check_counts(train_images_path, images, train_labels_path, train_labels.size());
    }
    // Inflating the training images is most of the load time (zlib is
    // single-threaded), so it overlaps with reading the test files.
    // Allowing `deferred` makes it fall back to a sequential read when no
    // thread can be started.
    const auto train_count = int64_t(train_labels.size());
    std::future<IdxImages> train_images =
        std::async(std::launch::async | std::launch::deferred, [&train_images_path, train_count] {
            return train_images_path.empty() ? IdxImages{} : read_idx_images(train_images_path, train_count);
        });
    IdxImages test_images;
    std::vector<uint8_t> test_labels;
    std::exception_ptr other_error;
    try {
        if (test) {
            const int64_t images = read_idx_image_count(test_images_path);
            test_labels = read_idx_labels(test_labels_path);
            check_counts(test_images_path, images, test_labels_path, test_labels.size());
            test_images = read_idx_images(test_images_path, int64_t(test_labels.size()));
        }
    } catch (...) {
        other_error = std::current_exception();
    }
    // When several files are bad, the first in file order is reported, so the
    // message does not depend on thread timing.
    IdxImages train_images_data = train_images.get();
    if (other_error)
        std::rethrow_exception(other_error);

    FashionMnist mnist;
    if (train)
        mnist.train = make_split(train_images_path, std::move(train_images_data), train_labels_path,
                                 std::move(train_labels));
    if (test)
        mnist.test =
            make_split(test_images_path, std::move(test_images), test_labels_path, std::move(test_labels));
    mnist.directory = dir;
    mnist.class_names = fashion_mnist_class_names();
    return mnist;
}

} // namespace mergelab
