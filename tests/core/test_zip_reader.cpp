// The zip side of state_dict files: the central directory, records checked
// against their CRC-32, and the version record, refused by name when wrong.
//
// Torch headers come first and Qt's keywords are off (QT_NO_KEYWORDS), since
// Qt's `slots` macro breaks them; the zip reader hands out c10 buffers.
#include "zip_reader.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <sstream>
#include <string>

#include "mergelab/state_dict.h"
#include "support/bytes.h"
#include "support/test_main.h"
#include "support/torch_files.h"
#include "torch_format.h"

namespace test_zip_reader {

namespace {

using namespace mergelab::testing;
using mergelab::torch_format::Refusal;
using mergelab::torch_format::ZipDirectory;

std::string str(const QString& text) {
    return text.toStdString();
}

// The bytes write_torch_zip writes for `records`.
QByteArray zipBytes(const Records& records) {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("records.pt");
    mergelab::write_torch_zip(str(path), records);
    return readAll(path);
}

// What `action` is refused with; empty if it is not.
QString refusalOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Refusal& refusal) {
        return QString::fromStdString(refusal.what());
    }
    return {};
}

std::string recordText(std::istream& in, uint64_t size, const ZipDirectory& zip, const std::string& name) {
    const auto [data, length] = mergelab::torch_format::read_record(in, size, zip, name);
    return std::string(static_cast<const char*>(data.get()), length);
}

// Little-endian field of `n` bytes at `at`.
void patch(QByteArray& bytes, int at, uint64_t value, int n) {
    bytes.replace(at, n, QByteArray::fromStdString(le(value, n)));
}

} // namespace

class TestZipReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsRecordsByName();
    void refusesBrokenDirectories_data();
    void refusesBrokenDirectories();
    void refusesCorruptRecords();
    void refusesBadFiles_data();
    void refusesBadFiles();
};

void TestZipReader::readsRecordsByName() {
    const QByteArray bytes =
        zipBytes({{"data.pkl", "pickle"}, {"data/0", std::string(1000, 'x')}, {"empty", ""}});
    std::istringstream in(bytes.toStdString());
    const uint64_t size = uint64_t(bytes.size());
    const ZipDirectory zip(in, size);
    mergelab::torch_format::check_version_record(in, size, zip);

    QVERIFY(zip.find("data.pkl").has_value());
    QCOMPARE(zip.find("data/0")->size, uint64_t(1000));
    // miniz, and so PyTorch, finds names whatever their case.
    QVERIFY(zip.find("DATA.PKL").has_value());
    QVERIFY(!zip.find("data/1").has_value());
    QVERIFY(!zip.find("archive/data.pkl").has_value()); // names are below the archive folder
    QCOMPARE(recordText(in, size, zip, "data.pkl"), std::string("pickle"));
    QCOMPARE(recordText(in, size, zip, "data/0"), std::string(1000, 'x'));
    QCOMPARE(recordText(in, size, zip, "empty"), std::string());
    const QString missing = refusalOf([&] { recordText(in, size, zip, "data/1"); });
    QVERIFY2(missing.contains("'data/1' is missing"), qPrintable(missing));
}

void TestZipReader::refusesBrokenDirectories_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("words");

    const QByteArray valid = zipBytes({{"data.pkl", "pickle"}, {"data/0", "0123"}});
    const int end = valid.lastIndexOf("PK\x05\x06");
    const int dir = valid.indexOf("PK\x01\x02");
    const int lastEntry = valid.lastIndexOf("PK\x01\x02");

    QTest::newRow("too short") << valid.right(21) << "only 21 bytes";
    QTest::newRow("no end record") << valid.left(end) << "no end-of-central-directory record";
    // The end record kept, the directory before it cut short.
    QTest::newRow("truncated central directory")
        << valid.left(dir) + valid.mid(lastEntry, 20) + valid.mid(end)
        << "central directory lies outside the file";
    // libtorch writes zip64 records, whose counts and offsets are the ones read.
    const int end64 = valid.lastIndexOf("PK\x06\x06");
    const int locator = valid.lastIndexOf("PK\x06\x07");
    QVERIFY(end64 > 0 && locator > end64);
    QByteArray count = valid;
    patch(count, end64 + 32, 200, 8);
    QTest::newRow("more entries than fit") << count << "too small for its entry count";
    QByteArray name = valid;
    patch(name, lastEntry + 28, 0xfff, 2);
    QTest::newRow("name past the directory") << name << "runs past the directory";
    QByteArray method = valid;
    patch(method, dir + 10, 12, 2); // bzip2
    QTest::newRow("unknown compression") << method << "compression method 12";
    QByteArray encrypted = valid;
    patch(encrypted, dir + 8, 1, 2);
    QTest::newRow("encrypted") << encrypted << "is encrypted";
    QByteArray lost = valid;
    patch(lost, locator + 8, uint64_t(valid.size()), 8);
    QTest::newRow("zip64 locator past the end") << lost << "zip64 directory locator points outside the file";
    QByteArray broken = valid;
    broken[end64 + 3] = 'X';
    QTest::newRow("broken zip64 end record") << broken << "broken zip64 end-of-directory record";
    // Saturated 32-bit fields mean "see the zip64 records", which are gone.
    QByteArray plain = valid.left(end64) + valid.mid(end);
    patch(plain, plain.size() - 22 + 16, 0xffffffffu, 4);
    QTest::newRow("zip64 sizes without zip64") << plain << "zip64 sizes without a zip64 directory";
}

void TestZipReader::refusesBrokenDirectories() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, words);
    std::istringstream in(bytes.toStdString());
    const QString refusal = refusalOf([&] { const ZipDirectory zip(in, uint64_t(bytes.size())); });
    QVERIFY2(refusal.startsWith("not a PyTorch zip file ("), qPrintable(refusal));
    QVERIFY2(refusal.contains(words), qPrintable(refusal + " -- lacks: " + words));
}

void TestZipReader::refusesCorruptRecords() {
    QByteArray bytes = zipBytes({{"data.pkl", "pickle"}, {"data/0", "0123"}});
    bytes[bytes.indexOf("pickle")] = 'P';
    std::istringstream in(bytes.toStdString());
    const uint64_t size = uint64_t(bytes.size());
    const ZipDirectory zip(in, size); // the directory itself is intact
    QCOMPARE(recordText(in, size, zip, "data/0"), std::string("0123"));
    const QString crc = refusalOf([&] { recordText(in, size, zip, "data.pkl"); });
    QCOMPARE(crc, QString("record 'data.pkl' is corrupt (CRC-32 mismatch)"));

    // A stored record whose sizes disagree.
    bytes = zipBytes({{"data.pkl", "pickle"}});
    patch(bytes, centralEntry(bytes, "data.pkl") + 20, 5, 4);
    std::istringstream sizes(bytes.toStdString());
    const ZipDirectory sized(sizes, size_t(bytes.size()));
    const QString stored = refusalOf([&] { recordText(sizes, uint64_t(bytes.size()), sized, "data.pkl"); });
    QVERIFY2(stored.contains("stored with 5 bytes but claims 6"), qPrintable(stored));
}

void TestZipReader::refusesBadFiles_data() {
    QTest::addColumn<BadFile>("make");
    QTest::addColumn<QStringList>("words");

    const QString notZip = "not a PyTorch zip file";

    QByteArray random = randomBytes(4096, 11);
    random[0] = 'R';
    QTest::newRow("random bytes") << rawFile(random) << QStringList{notZip};
    QTest::newRow("truncated copy") << damagedValidFile([](QByteArray b) { return b.left(b.size() * 2 / 3); })
                                    << QStringList{notZip, "truncated"};
    QTest::newRow("last byte missing")
        << damagedValidFile([](QByteArray b) { return b.left(b.size() - 1); }) << QStringList{notZip};
    QTest::newRow("storage bytes flipped") << damagedValidFile([](QByteArray b) {
        b[b.indexOf(QByteArray("\x00\x00\x80\x3f", 4))] = 'X'; // in the first 1.0f of "w"
        return b;
    }) << QStringList{"data/0", "corrupt"};
    QTest::newRow("record claims 4 GB") << damagedValidFile([](QByteArray b) {
        const int entry = centralEntry(b, "data/0");
        b.replace(entry + 24, 4, QByteArray("\xf0\xff\xff\xff", 4)); // uncompressed size
        return b;
    }) << QStringList{notZip, "data/0", "claims 4294967280 bytes"};

    // torch.save before PyTorch 1.6: a pickled magic number, no zip.
    // Found by fuzzing: libtorch's reader leaked its zip state when the
    // version record did not parse, so MergeLab judges it first.
    QTest::newRow("version record not a number (fuzz)")
        << withVersionText(QByteArray("\0\0", 2)) << QStringList{notZip, "version", "not a version number"};
    // Also found by fuzzing: bytes between the central directory and its
    // end record make miniz shift every offset, so libtorch read another
    // version record than the one checked.
    QTest::newRow("gap before the end record (fuzz)") << damagedValidFile([](QByteArray b) {
        const int end = b.lastIndexOf("PK\x05\x06");
        return b.insert(end, QByteArray(10, 'x'));
    }) << QStringList{notZip, "central directory ends at byte", "not where its end record begins"};
    // And a third: a record whose local header lacks its signature.
    QTest::newRow("local header without signature (fuzz)") << damagedValidFile([](QByteArray b) {
        b[0] = '\x02';
        return b;
    }) << QStringList{"no local header"};
    QTest::newRow("version record letters")
        << withVersionText("x\n") << QStringList{notZip, "not a version number"};
    QTest::newRow("version 0") << withVersionText("0\n")
                               << QStringList{"file format version 0", "not supported"};
    QTest::newRow("version 99") << withVersionText("99")
                                << QStringList{"file format version 99", "not supported"};
    QTest::newRow("zip without data.pkl") << zipOf({{"other", "x"}}) << QStringList{notZip, "data.pkl"};
}

void TestZipReader::refusesBadFiles() {
    QFETCH(BadFile, make);
    QFETCH(QStringList, words);
    const QString problem = refusalProblem(make, words);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

MERGELAB_TEST_GUILESS(test_zip_reader, TestZipReader)
} // namespace test_zip_reader

#include "test_zip_reader.moc"
