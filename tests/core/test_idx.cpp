// IDX reading/writing and the Fashion-MNIST loader: good files round-trip,
// and every kind of broken input fails with a message naming the file.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>

#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/idx.h"
#include "support/bytes.h"
#include "support/errors.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_idx {

namespace {

using namespace mergelab::testing;

// A synthetic data directory that a bad-data row may damage.
struct Fixture {
    QString dir;
    QString suffix; // ".gz" when the files were written gzipped

    QString file(const char* name) const { return dir + "/" + name + suffix; }
};

// Damages the fixture; returns strings the error must contain, the first of
// which (the offending path) must start the message.
using Mutator = std::function<QStringList(Fixture&)>;

constexpr int kTrainPerClass = 3;
constexpr int kTestPerClass = 2;

std::string str(const QString& text) {
    return text.toStdString();
}

void truncateTo(const QString& path, qint64 size) {
    if (!QFile::resize(path, size))
        qFatal("cannot resize %s", qPrintable(path));
}

mergelab::IdxImages imagesOf(const mergelab::Dataset& data) {
    mergelab::IdxImages images;
    images.count = data.size();
    images.rows = mergelab::kImageSide;
    images.cols = mergelab::kImageSide;
    images.pixels = data.pixels;
    return images;
}

} // namespace

} // namespace test_idx
Q_DECLARE_METATYPE(test_idx::Mutator)
namespace test_idx {

class TestIdx : public QObject {
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void writeLeavesNoTemporaryFile();
    void writeFailureNamesPathAndCleansUp();
    void writeRejectsInconsistentImages();
    void readMissingFile();
    void loadSynthetic_data();
    void loadSynthetic();
    void loadPrefersGzip();
    void badData_data();
    void badData();
    void gzipBombsAreRefusedBeforeInflating();
    void fifosAreRefusedWithoutWaiting();
    void classNames();
    void resolveDataDir();
    void loadRealFashionMnist();
};

void TestIdx::roundTrip_data() {
    QTest::addColumn<QString>("writeName");
    QTest::addColumn<QString>("readName");
    QTest::addColumn<QByteArray>("leadingBytes");

    const QByteArray gzipMagic("\x1f\x8b", 2);
    const QByteArray imageMagic("\x00\x00\x08\x03", 4);
    QTest::newRow("gzip") << "a.gz"
                          << "a.gz" << gzipMagic;
    QTest::newRow("plain") << "a"
                           << "a" << imageMagic;
    // The reader must go by content, not by name.
    QTest::newRow("gzip without .gz name") << "a.gz"
                                           << "a" << gzipMagic;
    QTest::newRow("plain with .gz name") << "a"
                                         << "a.gz" << imageMagic;
}

void TestIdx::roundTrip() {
    QFETCH(QString, writeName);
    QFETCH(QString, readName);
    QFETCH(QByteArray, leadingBytes);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());

    const mergelab::Dataset data = mergelab::testing::make_synthetic_dataset(7, 42);
    const QString imagesWritten = tmp.filePath("images-" + writeName);
    const QString labelsWritten = tmp.filePath("labels-" + writeName);
    mergelab::write_idx_images(str(imagesWritten), imagesOf(data));
    mergelab::write_idx_labels(str(labelsWritten), data.labels);
    QVERIFY(readAll(imagesWritten).startsWith(leadingBytes));

    const QString imagesRead = tmp.filePath("images-" + readName);
    const QString labelsRead = tmp.filePath("labels-" + readName);
    if (imagesRead != imagesWritten) {
        QVERIFY(QFile::rename(imagesWritten, imagesRead));
        QVERIFY(QFile::rename(labelsWritten, labelsRead));
    }

    const mergelab::IdxImages images = mergelab::read_idx_images(str(imagesRead));
    QCOMPARE(images.count, data.size());
    QCOMPARE(images.rows, 28);
    QCOMPARE(images.cols, 28);
    QVERIFY(images.pixels == data.pixels);
    QVERIFY(mergelab::read_idx_labels(str(labelsRead)) == data.labels);
}

void TestIdx::writeLeavesNoTemporaryFile() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    mergelab::write_idx_labels(str(tmp.filePath("labels.gz")), {1, 2, 3});
    mergelab::write_idx_labels(str(tmp.filePath("labels")), {4, 5});
    // Overwriting goes through a fresh temporary too.
    mergelab::write_idx_labels(str(tmp.filePath("labels")), {6});
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name),
             QStringList({"labels", "labels.gz"}));
    QVERIFY(mergelab::read_idx_labels(str(tmp.filePath("labels"))) == std::vector<uint8_t>{6});
}

void TestIdx::writeFailureNamesPathAndCleansUp() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    for (const QString& name : {QString("labels.gz"), QString("labels")}) {
        const QString path = tmp.filePath("no-such-dir/" + name);
        const QString message = errorMessage([&] { mergelab::write_idx_labels(str(path), {1}); });
        QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
        QVERIFY2(message.contains("cannot write"), qPrintable(message));
    }
    QVERIFY(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
}

void TestIdx::writeRejectsInconsistentImages() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    mergelab::IdxImages images;
    images.count = 2;
    images.rows = 28;
    images.cols = 28;
    images.pixels.resize(784); // one image short
    const QString path = tmp.filePath("images");
    const QString message = errorMessage([&] { mergelab::write_idx_images(str(path), images); });
    QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
    QVERIFY2(message.contains("1568"), qPrintable(message));
    QVERIFY(!QFile::exists(path));
}

void TestIdx::readMissingFile() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("absent-idx1-ubyte.gz");
    const QString message = errorMessage([&] { mergelab::read_idx_labels(str(path)); });
    QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
    QVERIFY2(message.contains("does not exist"), qPrintable(message));
}

void TestIdx::loadSynthetic_data() {
    QTest::addColumn<bool>("gzip");
    QTest::newRow("gzip") << true;
    QTest::newRow("plain") << false;
}

void TestIdx::loadSynthetic() {
    QFETCH(bool, gzip);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    mergelab::testing::SyntheticSpec spec;
    spec.gzip = gzip;
    mergelab::testing::write_synthetic_fashion_mnist(str(tmp.path()), spec);

    const mergelab::FashionMnist mnist = mergelab::load_fashion_mnist(str(tmp.path()));
    const mergelab::Dataset train =
        mergelab::testing::make_synthetic_dataset(spec.train_per_class, spec.seed);
    const mergelab::Dataset test =
        mergelab::testing::make_synthetic_dataset(spec.test_per_class, spec.seed + 1);
    QCOMPARE(mnist.train.size(), int64_t(spec.train_per_class * 10));
    QCOMPARE(mnist.test.size(), int64_t(spec.test_per_class * 10));
    QCOMPARE(mnist.train.pixels.size(), size_t(mnist.train.size() * 784));
    QVERIFY(mnist.train.labels == train.labels);
    QVERIFY(mnist.train.pixels == train.pixels);
    QVERIFY(mnist.test.labels == test.labels);
    QVERIFY(mnist.test.pixels == test.pixels);
    QCOMPARE(QString::fromStdString(mnist.directory), tmp.path());
}

void TestIdx::loadPrefersGzip() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    mergelab::testing::SyntheticSpec gz;
    gz.train_per_class = 4;
    gz.test_per_class = 2;
    mergelab::testing::SyntheticSpec plain = gz;
    plain.gzip = false;
    plain.train_per_class = 5;
    mergelab::testing::write_synthetic_fashion_mnist(str(tmp.path()), gz);
    mergelab::testing::write_synthetic_fashion_mnist(str(tmp.path()), plain);
    QCOMPARE(mergelab::load_fashion_mnist(str(tmp.path())).train.size(), int64_t(40));
}

void TestIdx::badData_data() {
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<Mutator>("mutate");
    QTest::addColumn<QString>("keyword");

    QTest::newRow("missing folder") << true << Mutator([](Fixture& f) {
        f.dir += "/nowhere";
        return QStringList{f.dir};
    }) << "data directory does not exist";

    QTest::newRow("folder is a file") << true << Mutator([](Fixture& f) {
        f.dir = f.file("train-labels-idx1-ubyte");
        return QStringList{f.dir};
    }) << "not a directory";

    QTest::newRow("missing file") << true << Mutator([](Fixture& f) {
        QFile::remove(f.file("train-labels-idx1-ubyte"));
        return QStringList{f.file("train-labels-idx1-ubyte"), "looked in " + f.dir, "--data DIR",
                           "MERGELAB_DATA"};
    }) << "missing";

    QTest::newRow("directory instead of file") << true << Mutator([](Fixture& f) {
        const QString path = f.file("t10k-images-idx3-ubyte");
        QFile::remove(path);
        QDir().mkdir(path);
        return QStringList{path};
    }) << "is a directory";

    QTest::newRow("empty file") << true << Mutator([](Fixture& f) {
        truncateTo(f.file("t10k-labels-idx1-ubyte"), 0);
        return QStringList{f.file("t10k-labels-idx1-ubyte")};
    }) << "empty";

    QTest::newRow("truncated plain file") << false << Mutator([](Fixture& f) {
        truncateTo(f.file("train-images-idx3-ubyte"), 16 + 784 * 5 + 100);
        return QStringList{f.file("train-images-idx3-ubyte"), "30 images"};
    }) << "file is truncated";

    QTest::newRow("truncated header") << false << Mutator([](Fixture& f) {
        truncateTo(f.file("train-labels-idx1-ubyte"), 6);
        return QStringList{f.file("train-labels-idx1-ubyte")};
    }) << "truncated header";

    QTest::newRow("truncated gzip file") << true << Mutator([](Fixture& f) {
        const QString path = f.file("train-images-idx3-ubyte");
        truncateTo(path, QFileInfo(path).size() / 2);
        return QStringList{path};
    }) << "compressed data is truncated";

    // The whole payload decompresses; only the gzip trailer is gone.
    QTest::newRow("gzip without trailer") << true << Mutator([](Fixture& f) {
        const QString path = f.file("train-labels-idx1-ubyte");
        truncateTo(path, QFileInfo(path).size() - 8);
        return QStringList{path};
    }) << "compressed data is truncated";

    QTest::newRow("corrupt deflate data") << true << Mutator([](Fixture& f) {
        const QString path = f.file("train-images-idx3-ubyte");
        QByteArray bytes = readAll(path);
        bytes[10] = char(0xff); // first deflate block: reserved block type 3
        writeAll(path, bytes);
        return QStringList{path};
    }) << "corrupt compressed data";

    QTest::newRow("gzip checksum mismatch") << true << Mutator([](Fixture& f) {
        const QString path = f.file("t10k-images-idx3-ubyte");
        QByteArray bytes = readAll(path);
        bytes[bytes.size() - 8] = char(bytes[bytes.size() - 8] ^ 0x55);
        writeAll(path, bytes);
        return QStringList{path};
    }) << "corrupt compressed data";

    QTest::newRow("random bytes") << true << Mutator([](Fixture& f) {
        QByteArray bytes = randomBytes(5000, 1);
        bytes[0] = char(0x5a); // neither gzip (1f 8b) nor IDX (00 00 08)
        writeAll(f.file("train-images-idx3-ubyte"), bytes);
        return QStringList{f.file("train-images-idx3-ubyte")};
    }) << "not an IDX file";

    QTest::newRow("gzip magic then random bytes") << true << Mutator([](Fixture& f) {
        writeAll(f.file("train-images-idx3-ubyte"), QByteArray("\x1f\x8b", 2) + randomBytes(5000, 2));
        return QStringList{f.file("train-images-idx3-ubyte")};
    }) << "corrupt compressed data";

    QTest::newRow("wrong magic") << true << Mutator([](Fixture& f) {
        const QString images = f.file("train-images-idx3-ubyte");
        QFile::remove(images);
        QFile::copy(f.file("train-labels-idx1-ubyte"), images);
        return QStringList{images, "0x00000801", "0x00000803"};
    }) << "wrong magic number";

    QTest::newRow("unsupported element type") << false << Mutator([](Fixture& f) {
        const QString path = f.file("t10k-labels-idx1-ubyte");
        QByteArray bytes = readAll(path);
        bytes[2] = char(0x0d); // float elements
        writeAll(path, bytes);
        return QStringList{path};
    }) << "not supported";

    QTest::newRow("wrong dimensions") << true << Mutator([](Fixture& f) {
        mergelab::IdxImages images;
        images.count = kTrainPerClass * 10;
        images.rows = 27;
        images.cols = 28;
        images.pixels.assign(size_t(images.count) * 27 * 28, 0);
        mergelab::write_idx_images(str(f.file("train-images-idx3-ubyte")), images);
        return QStringList{f.file("train-images-idx3-ubyte"), "28x28"};
    }) << "27x28";

    QTest::newRow("image and label counts differ") << false << Mutator([](Fixture& f) {
        std::vector<uint8_t> labels(kTestPerClass * 10 - 1, 0);
        mergelab::write_idx_labels(str(f.file("t10k-labels-idx1-ubyte")), labels);
        return QStringList{f.file("t10k-labels-idx1-ubyte"), f.file("t10k-images-idx3-ubyte"), "19 labels",
                           "20 images"};
    }) << "counts must match";

    QTest::newRow("label 10") << true << Mutator([](Fixture& f) {
        std::vector<uint8_t> labels(kTrainPerClass * 10, 1);
        labels[3] = 10;
        mergelab::write_idx_labels(str(f.file("train-labels-idx1-ubyte")), labels);
        return QStringList{f.file("train-labels-idx1-ubyte")};
    }) << "label 10 at index 3";

    QTest::newRow("trailing bytes in plain file") << false << Mutator([](Fixture& f) {
        appendAll(f.file("t10k-images-idx3-ubyte"), "junk!");
        return QStringList{f.file("t10k-images-idx3-ubyte")};
    }) << "5 trailing bytes";

    // gzip readers continue into a second member, so its bytes count as data.
    QTest::newRow("trailing bytes in gzip file") << true << Mutator([](Fixture& f) {
        const QString extra = f.dir + "/extra.gz";
        mergelab::write_idx_labels(str(extra), {1, 2, 3});
        appendAll(f.file("train-labels-idx1-ubyte"), readAll(extra));
        QFile::remove(extra);
        return QStringList{f.file("train-labels-idx1-ubyte")};
    }) << "11 trailing bytes";

    QTest::newRow("header claims 2^31 images") << false << Mutator([](Fixture& f) {
        const QString path = f.file("train-images-idx3-ubyte");
        writeAll(path, be32(0x803) + be32(0x80000000u) + be32(28) + be32(28) + QByteArray(784, '\0'));
        return QStringList{path, "2147483648"};
    }) << "more than the limit";

    // Within the limit, but the claimed 7.8 GB must not be allocated up
    // front: the header is checked against the label count first.
    QTest::newRow("header claims 9999999 images") << false << Mutator([](Fixture& f) {
        const QString path = f.file("train-images-idx3-ubyte");
        writeAll(path, be32(0x803) + be32(9999999) + be32(28) + be32(28) + QByteArray(784, '\0'));
        return QStringList{f.file("train-labels-idx1-ubyte"), path, "9999999 images"};
    }) << "counts must match";
}

void TestIdx::badData() {
    QFETCH(bool, gzip);
    QFETCH(Mutator, mutate);
    QFETCH(QString, keyword);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    mergelab::testing::SyntheticSpec spec;
    spec.train_per_class = kTrainPerClass;
    spec.test_per_class = kTestPerClass;
    spec.gzip = gzip;
    mergelab::testing::write_synthetic_fashion_mnist(str(tmp.path()), spec);
    // Guards against a row passing only because the fixture was broken.
    QCOMPARE(mergelab::load_fashion_mnist(str(tmp.path())).train.size(), int64_t(kTrainPerClass * 10));

    Fixture fixture{tmp.path(), gzip ? ".gz" : ""};
    const QStringList expected = mutate(fixture);
    const QString message = errorMessage([&] { mergelab::load_fashion_mnist(str(fixture.dir)); });
    QVERIFY2(!message.isNull(), "no mergelab::Error thrown");
    QVERIFY2(message.startsWith(expected.first() + ": "), qPrintable(message));
    QVERIFY2(message.contains(keyword), qPrintable(message));
    for (const QString& part : expected)
        QVERIFY2(message.contains(part), qPrintable("missing '" + part + "' in: " + message));
}

// A header declaring far more than its gzip file could hold is refused by
// the sizes alone, naming the file.
void TestIdx::gzipBombsAreRefusedBeforeInflating() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("labels.gz");
    mergelab::write_idx_labels(str(path), std::vector<uint8_t>(10'000'000, 0));
    QVERIFY(QFileInfo(path).size() < 100'000);
    const QString message = errorMessage([&] { mergelab::read_idx_labels(str(path)); });
    QVERIFY2(message.startsWith(path + ": ") && message.contains("10000000 labels") &&
                 message.contains("decompression bomb"),
             qPrintable(message));
    // The same data a little less compressible is still read.
    std::vector<uint8_t> labels(200'000);
    for (size_t i = 0; i < labels.size(); ++i)
        labels[i] = uint8_t((i * 7919) % 10);
    mergelab::write_idx_labels(str(path), labels);
    QCOMPARE(mergelab::read_idx_labels(str(path)), labels);
}

// A FIFO (with a writer that never writes) is refused at once, not read.
void TestIdx::fifosAreRefusedWithoutWaiting() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("t10k-labels-idx1-ubyte");
    QCOMPARE(::mkfifo(qPrintable(path), 0644), 0);
    const int writer = ::open(qPrintable(path), O_RDWR | O_NONBLOCK);
    QVERIFY(writer >= 0);
    const QString message = errorMessage([&] { mergelab::read_idx_labels(str(path)); });
    ::close(writer);
    QVERIFY2(message.startsWith(path + ": ") && message.contains("FIFO"), qPrintable(message));
}

void TestIdx::classNames() {
    const auto& names = mergelab::fashion_mnist_class_names();
    QCOMPARE(names.size(), size_t(10));
    QCOMPARE(QString::fromStdString(names[0]), QString("T-shirt/top"));
    QCOMPARE(QString::fromStdString(names[5]), QString("Sandal"));
    QCOMPARE(QString::fromStdString(names[9]), QString("Ankle boot"));
}

void TestIdx::resolveDataDir() {
    const QByteArray saved = qgetenv("MERGELAB_DATA");
    const bool wasSet = qEnvironmentVariableIsSet("MERGELAB_DATA");
    qunsetenv("MERGELAB_DATA");
    QCOMPARE(QString::fromStdString(mergelab::resolve_data_dir()), QString(mergelab::kDefaultDataDir));
    qputenv("MERGELAB_DATA", "/from/env");
    QCOMPARE(QString::fromStdString(mergelab::resolve_data_dir()), QString("/from/env"));
    QCOMPARE(QString::fromStdString(mergelab::resolve_data_dir("/explicit")), QString("/explicit"));
    qputenv("MERGELAB_DATA", "");
    QCOMPARE(QString::fromStdString(mergelab::resolve_data_dir()), QString(mergelab::kDefaultDataDir));
    if (wasSet)
        qputenv("MERGELAB_DATA", saved);
    else
        qunsetenv("MERGELAB_DATA");
}

void TestIdx::loadRealFashionMnist() {
    const QString dir = mergelab::kDefaultDataDir;
    if (!QFileInfo(dir).isDir())
        QSKIP("Fashion-MNIST is not installed (dataset-fashion-mnist)");
    QElapsedTimer timer;
    timer.start();
    const mergelab::FashionMnist mnist = mergelab::load_fashion_mnist(str(dir));
    qInfo("load_fashion_mnist(%s) took %lld ms", qPrintable(dir), static_cast<long long>(timer.elapsed()));
    QCOMPARE(mnist.train.size(), int64_t(60000));
    QCOMPARE(mnist.test.size(), int64_t(10000));
    QCOMPARE(mnist.train.pixels.size(), size_t(60000 * 784));
    int perClass[10] = {};
    for (uint8_t label : mnist.train.labels)
        ++perClass[label];
    for (int count : perClass)
        QCOMPARE(count, 6000);
}

MERGELAB_TEST_GUILESS(test_idx, TestIdx)
} // namespace test_idx

#include "test_idx.moc"
