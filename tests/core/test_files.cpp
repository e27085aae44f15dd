// The core's one atomic writer: the target holds the new bytes or, after any
// failure, its old ones, and no temporary file is ever left beside it.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <stdexcept>
#include <string>
#include <system_error>

#include <unistd.h>

#include "mergelab/error.h"
#include "mergelab/files.h"
#include "support/bytes.h"
#include "support/errors.h"
#include "support/test_main.h"

namespace test_files {

namespace {

using namespace mergelab::testing;

std::string str(const QString& text) {
    return text.toStdString();
}

QStringList filesIn(const QTemporaryDir& dir) {
    return QDir(dir.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

} // namespace

class TestFiles : public QObject {
    Q_OBJECT

private slots:
    void writesAndReplaces();
    void throwingFillKeepsTheOldFile();
    void ioErrorInFillNamesThePath();
    void unwritableTargetNamesThePath();
    void readFileRefusesLargeFiles();
};

void TestFiles::writesAndReplaces() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("out.bin");
    const QByteArray first = randomBytes(100000, 3);
    mergelab::write_atomically(str(path), [&](int fd) {
        // In pieces, as the zip writer does.
        mergelab::write_all(fd, first.constData(), 10);
        mergelab::write_all(fd, first.constData() + 10, size_t(first.size() - 10));
    });
    QCOMPARE(readAll(path), first);
    QCOMPARE(filesIn(tmp), QStringList{"out.bin"});

    mergelab::write_file_atomically(str(path), "second");
    QCOMPARE(readAll(path), QByteArray("second"));
    mergelab::write_file_atomically(str(path), "");
    QCOMPARE(readAll(path), QByteArray());
    QCOMPARE(filesIn(tmp), QStringList{"out.bin"});
    QCOMPARE(mergelab::read_file(str(path)), std::string());
}

void TestFiles::throwingFillKeepsTheOldFile() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("kept.txt");
    mergelab::write_file_atomically(str(path), "old contents");

    // The callback's own exception passes through unchanged...
    bool caught = false;
    try {
        mergelab::write_atomically(str(path), [](int fd) {
            mergelab::write_all(fd, "half of the new", 15);
            throw std::logic_error("fill gave up");
        });
    } catch (const std::logic_error& e) {
        caught = QString(e.what()) == "fill gave up";
    }
    QVERIFY(caught);
    QCOMPARE(readAll(path), QByteArray("old contents"));
    QCOMPARE(filesIn(tmp), QStringList{"kept.txt"});

    // ...and so does a mergelab::Error of its own.
    const QString message = errorMessage(
        [&] { mergelab::write_atomically(str(path), [](int) { throw mergelab::Error("own message"); }); });
    QCOMPARE(message, QString("own message"));
    QCOMPARE(readAll(path), QByteArray("old contents"));
    QCOMPARE(filesIn(tmp), QStringList{"kept.txt"});
}

void TestFiles::ioErrorInFillNamesThePath() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("kept.txt");
    mergelab::write_file_atomically(str(path), "old contents");
    // Writing to a descriptor opened read-only fails with EBADF, as a full
    // disk fails with ENOSPC: write_all's errno becomes an Error naming the path.
    const QString message = errorMessage([&] {
        mergelab::write_atomically(str(path), [&](int) {
            QFile readOnly(path);
            QVERIFY(readOnly.open(QIODevice::ReadOnly));
            mergelab::write_all(readOnly.handle(), "x", 1);
        });
    });
    QCOMPARE(message, path + ": cannot write (" +
                          QString::fromStdString(std::generic_category().message(EBADF)) + ")");
    QCOMPARE(readAll(path), QByteArray("old contents"));
    QCOMPARE(filesIn(tmp), QStringList{"kept.txt"});
}

void TestFiles::unwritableTargetNamesThePath() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString missing = tmp.filePath("no-such-dir/out.txt");
    QString message = errorMessage([&] { mergelab::write_file_atomically(str(missing), "x"); });
    QVERIFY2(message.startsWith(missing + ": cannot write ("), qPrintable(message));
    QVERIFY2(message.contains(QString::fromStdString(std::generic_category().message(ENOENT))),
             qPrintable(message));

    // A directory in the way: refused before a temporary is written.
    const QString directory = tmp.filePath("a-directory");
    QVERIFY(QDir().mkdir(directory));
    QVERIFY(QFile(directory + "/inside").open(QIODevice::WriteOnly));
    message = errorMessage([&] { mergelab::write_file_atomically(str(directory), "x"); });
    QVERIFY2(message.startsWith(directory + ": cannot write (it is a folder"), qPrintable(message));
    QCOMPARE(filesIn(tmp), QStringList());

    // A FIFO is never replaced (nor a device: -o /dev/null).
    const QString fifo = tmp.filePath("a-fifo");
    QCOMPARE(::mkfifo(qPrintable(fifo), 0644), 0);
    message = errorMessage([&] { mergelab::write_file_atomically(str(fifo), "x"); });
    QVERIFY2(message.startsWith(fifo + ": cannot write (it is a FIFO"), qPrintable(message));
    struct stat st {};
    QVERIFY(::lstat(qPrintable(fifo), &st) == 0 && S_ISFIFO(st.st_mode));
}

void TestFiles::readFileRefusesLargeFiles() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("big.txt");
    mergelab::write_file_atomically(str(path), std::string(100, 'x'));
    QCOMPARE(mergelab::read_file(str(path), 100), std::string(100, 'x'));
    const QString message = errorMessage([&] { mergelab::read_file(str(path), 99); });
    QVERIFY2(message.startsWith(path + ": file is too large"), qPrintable(message));
}

MERGELAB_TEST_GUILESS(test_files, TestFiles)
} // namespace test_files

#include "test_files.moc"
