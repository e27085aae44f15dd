// The PyTorch zip writer: records land where PyTorch's reader looks for them
// (below the archive folder, data 64-byte aligned, a version record added),
// bad record lists are refused before anything is written, and a failed
// write leaves nothing behind.
//
// Torch headers come first and Qt's keywords are off (QT_NO_KEYWORDS), since
// Qt's `slots` macro breaks them; the zip reader hands out c10 buffers.
#include "zip_reader.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <sstream>
#include <string>

#include "mergelab/state_dict.h"
#include "support/bytes.h"
#include "support/errors.h"
#include "support/test_main.h"
#include "support/torch_files.h"

namespace test_torch_zip_writer {

namespace {

using namespace mergelab::testing;
using mergelab::torch_format::ZipDirectory;

std::string str(const QString& text) {
    return text.toStdString();
}

} // namespace

} // namespace test_torch_zip_writer
Q_DECLARE_METATYPE(mergelab::testing::Records)
namespace test_torch_zip_writer {

class TestTorchZipWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesRecordsWherePyTorchReadsThem();
    void refusesBadRecordLists_data();
    void refusesBadRecordLists();
    void failureLeavesNothingBehind();
};

void TestTorchZipWriter::writesRecordsWherePyTorchReadsThem() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("records.pt");
    const Records records = {{"data.pkl", "pickle"}, {"data/0", std::string(100, 'a')}, {"extra", "x"}};
    mergelab::write_torch_zip(str(path), records);
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"records.pt"});

    const QByteArray bytes = readAll(path);
    std::istringstream in(bytes.toStdString());
    const uint64_t size = uint64_t(bytes.size());
    const ZipDirectory zip(in, size);
    mergelab::torch_format::check_version_record(in, size, zip);
    int previous = -1;
    for (const auto& [name, contents] : records) {
        const auto entry = zip.find(name);
        QVERIFY(entry.has_value());
        QCOMPARE(entry->size, uint64_t(contents.size()));
        QVERIFY(int(entry->local_offset) > previous); // in the order given
        previous = int(entry->local_offset);
        const int at = int(entry->local_offset);
        const int data = at + 30 + (quint8(bytes[at + 26]) | quint8(bytes[at + 27]) << 8) +
                         (quint8(bytes[at + 28]) | quint8(bytes[at + 29]) << 8);
        QCOMPARE(data % 64, 0); // PyTorch maps storages in place
        QCOMPARE(bytes.mid(data, int(contents.size())).toStdString(), contents);
    }

    // Replacing a file goes through a fresh temporary too.
    mergelab::write_torch_zip(str(path), {{"data.pkl", "again"}});
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"records.pt"});
    QVERIFY(readAll(path).contains("again"));
}

void TestTorchZipWriter::refusesBadRecordLists_data() {
    QTest::addColumn<Records>("records");
    QTest::addColumn<QString>("words");
    QTest::newRow("empty name") << Records{{"data.pkl", "x"}, {"", "y"}} << "without a name";
    QTest::newRow("twice") << Records{{"data.pkl", "x"}, {"data.pkl", "y"}} << "'data.pkl' given twice";
}

void TestTorchZipWriter::refusesBadRecordLists() {
    QFETCH(Records, records);
    QFETCH(QString, words);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("records.pt");
    const QString message = errorMessage([&] { mergelab::write_torch_zip(str(path), records); });
    QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
    QVERIFY2(message.contains(words), qPrintable(message));
    QVERIFY(QDir(tmp.path()).isEmpty());
}

void TestTorchZipWriter::failureLeavesNothingBehind() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("missing/records.pt");
    const QString message = errorMessage([&] { mergelab::write_torch_zip(str(path), {{"data.pkl", "x"}}); });
    QVERIFY2(message.startsWith(path + ": cannot write ("), qPrintable(message));
    QVERIFY(QDir(tmp.path()).isEmpty());
}

MERGELAB_TEST_GUILESS(test_torch_zip_writer, TestTorchZipWriter)
} // namespace test_torch_zip_writer

#include "test_torch_zip_writer.moc"
