// Run folders attacked from outside, through mergelab-cli as a user (or an
// attacker) would: links, other runs' folders, two writers, stale locks.
// Every case checks that no byte outside the run folder changed and no file
// MergeLab did not write was removed.
#include <QtTest>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>
#include <functional>
#include <memory>

#include <sys/sysmacros.h>

#include <sys/stat.h>
#include <unistd.h>

#include "mergelab/idx.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"
#include "support/torch_files.h"

namespace test_run_folders {

using namespace mergelab;
using namespace mergelab::testing;

namespace {

// path (relative to root) -> content hash, for every file and link below
// root, links not followed; `skip` is left out.
QMap<QString, QByteArray> snapshot(const QString& root, const QString& skip = {}) {
    QMap<QString, QByteArray> files;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = QDir(root).relativeFilePath(path);
        if (!skip.isEmpty() && (rel == skip || rel.startsWith(skip + "/")))
            continue;
        const QFileInfo info(path);
        struct stat st {};
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0) {
            files[rel] = "gone";
        } else if (S_ISLNK(st.st_mode)) {
            files[rel] = "link:" + info.symLinkTarget().toUtf8();
        } else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            files[rel] = "special:" + QByteArray::number(uint(st.st_mode & S_IFMT));
        } else if (S_ISREG(st.st_mode)) {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            files[rel] = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
        } else {
            files[rel] = "dir";
        }
    }
    return files;
}

void touch(const QString& path, const QByteArray& bytes = "keep me") {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// Makes a folder immutable (chattr +i) for as long as it lives: as root,
// permissions stop no unlink, the immutable flag does.
class Immutable {
public:
    explicit Immutable(const QString& path)
        : path_(path) {
        QProcess p;
        p.start("chattr", {"+i", path});
        ok_ = p.waitForFinished(10000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }
    ~Immutable() {
        if (!ok_)
            return;
        QProcess p;
        p.start("chattr", {"-i", path_});
        p.waitForFinished(10000);
    }
    bool ok() const { return ok_; }

private:
    QString path_;
    bool ok_ = false;
};

bool is_char_device(const QString& path) {
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISCHR(st.st_mode);
}
bool is_fifo(const QString& path) {
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISFIFO(st.st_mode);
}

// Fills every weight of `w` with `value`.
WeightSet filled(WeightSet w, float value) {
    for (auto& t : w)
        std::fill(t.values.begin(), t.values.end(), value);
    return w;
}

} // namespace

class TestRunFolders : public QObject {
    Q_OBJECT

    QTemporaryDir data_;
    QString dataDir() const { return data_.filePath("data"); }

    // A quick run into `out` (one round on a few synthetic images).
    // `extra` may give its own --out or --rounds.
    ProcessResult run(const QString& out, const QStringList& extra = {}) {
        QStringList args{"--log-level", "warn",    "run", "--data", dataDir(), "--threads",
                         "1",           "--batch", "16",  "--bins", "8"};
        if (!extra.contains("--out"))
            args << "--out" << out;
        if (!extra.contains("--rounds"))
            args << "--rounds"
                 << "1";
        return run_cli(args + extra, 60000);
    }

private slots:
    void initTestCase() {
        QVERIFY(data_.isValid());
        SyntheticSpec spec;
        spec.train_per_class = 12;
        spec.test_per_class = 4;
        write_synthetic_fashion_mnist(dataDir().toStdString(), spec);
    }

    // Each row builds a layout in `root` (run folder: root/run, everything
    // else is "outside"), runs, and says whether the run may succeed.
    void hostileLayoutsNeverTouchAnythingOutside_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<bool>("succeeds");
        const QList<QPair<QString, bool>> rows = {
            {"models is a link to a folder outside", false},
            {"run.json is a link to a file outside", false},
            {"metrics.csv is a link to a file outside", false},
            {"a model file is a link to a file outside", false},
            {"the run folder itself is a link", false},
            {"lanes is a link to a folder outside", false},
            {"a lane folder is a link", false},
            {"the folder of another run", false},
            {"the folder of another run, --force", true},
            {"a folder of notes", false},
            {"a folder holding only a hidden file", false},
            {"a folder holding a subfolder", false},
            {"models holds a file MergeLab did not write", false},
            {"the run folder is a regular file", false},
            {"the run folder's parent is a regular file", false},
            {"a stale lock in an empty folder", true},
            {"a stale lock and an unfinished run", false},
            // Models without a run.json that lists them are not a previous run.
            {"a stale lock and an unfinished run, --force", false},
            {"run.json is a FIFO", false},
            {"a previous run whose model is a hard link to a file outside, --force", true},
            {"a fresh folder inside a new path", true},
            {"the lock is a hard link to a file outside", false},
            {"the lock is a hard link to a file outside, --force on a previous run", false},
            {"the lock is a hard link to a file outside, --resume", false},
            {"the lock is a FIFO", false},
            {"the lock is a FIFO, --force on a previous run", false},
            {"the lock is a symbolic link to a file outside", false},
            {"the lock is a folder", false},
            {"a user's metrics.csv, --force", false},
            {"a user's file named like a temporary, --force", false},
            {"a user's file named like a model, --force", false},
            {"a previous run and a user's file named like a temporary, --force", false},
            {"a previous run and a model it did not write, --force", false},
            {"a previous run and a leftover temporary of its run.json, --force", true},
            {"--out link/ (a trailing slash)", false},
            {"--out link/. (a trailing slash and dot)", false},
            {"a previous run whose models cannot be removed, --force", false},
        };
        for (const auto& [layout, ok] : rows)
            QTest::newRow(qPrintable(layout)) << layout << ok;
    }
    void hostileLayoutsNeverTouchAnythingOutside() {
        QFETCH(QString, layout);
        QFETCH(bool, succeeds);
        QTemporaryDir root;
        const QString out = root.filePath("run"), outside = root.filePath("outside");
        touch(outside + "/round-001-env-1.pt", "outside model");
        touch(outside + "/keep.pt");
        touch(outside + "/file.txt", "outside file");
        QStringList extra;
        QString written = "run"; // the run folder, relative to root
        QString named = "run";   // what the refusal must name
        QStringList whole;       // the whole command line, when not run(out, extra)
        std::unique_ptr<Immutable> frozen;
        auto previous_run = [&] { QCOMPARE(run(out).exit_code, 0); };
        if (layout.startsWith("models is a link")) {
            QDir().mkpath(out);
            QVERIFY(QFile::link("../outside", out + "/models"));
        } else if (layout.startsWith("run.json is a link")) {
            QDir().mkpath(out);
            QVERIFY(QFile::link(outside + "/file.txt", out + "/run.json"));
        } else if (layout.startsWith("metrics.csv")) {
            QDir().mkpath(out);
            QVERIFY(QFile::link(outside + "/file.txt", out + "/metrics.csv"));
        } else if (layout.startsWith("a model file is a link")) {
            previous_run();
            QFile::remove(out + "/models/round-001-env-1.pt");
            QVERIFY(QFile::link(outside + "/round-001-env-1.pt", out + "/models/round-001-env-1.pt"));
            extra << "--force";
        } else if (layout.startsWith("the run folder itself")) {
            QVERIFY(QFile::link(outside, out));
        } else if (layout.startsWith("lanes is a link")) {
            QDir().mkpath(out);
            QVERIFY(QFile::link(outside, out + "/lanes"));
            extra << "--lanes"
                  << "avg,max";
        } else if (layout.startsWith("a lane folder")) {
            QDir().mkpath(out + "/lanes");
            QVERIFY(QFile::link(outside, out + "/lanes/avg"));
            extra << "--lanes"
                  << "avg";
        } else if (layout.startsWith("the folder of another run")) {
            previous_run();
            if (layout.endsWith("--force"))
                extra << "--force";
        } else if (layout.startsWith("a folder of notes")) {
            touch(out + "/notes.txt");
        } else if (layout.startsWith("a folder holding only a hidden")) {
            touch(out + "/.git");
        } else if (layout.startsWith("a folder holding a subfolder")) {
            touch(out + "/data/train.csv");
        } else if (layout.startsWith("models holds")) {
            previous_run();
            touch(out + "/models/keep.pt");
            extra << "--force";
        } else if (layout.startsWith("the run folder is a regular")) {
            touch(out);
        } else if (layout.startsWith("the run folder's parent")) {
            touch(out);
            extra << "--out" << out + "/sub";
        } else if (layout.startsWith("a stale lock")) {
            touch(out + "/.mergelab.lock", "process 999999\n");
            if (layout.contains("unfinished"))
                touch(out + "/models/round-001-env-1.pt", "half a model");
            if (layout.endsWith("--force"))
                extra << "--force";
        } else if (layout.startsWith("run.json is a FIFO")) {
            QDir().mkpath(out);
            QCOMPARE(::mkfifo(qPrintable(out + "/run.json"), 0644), 0);
        } else if (layout.startsWith("a previous run whose model is")) {
            previous_run();
            QFile::remove(out + "/models/round-001-env-1.pt");
            QCOMPARE(::link(qPrintable(outside + "/round-001-env-1.pt"),
                            qPrintable(out + "/models/round-001-env-1.pt")),
                     0);
            extra << "--force";
        } else if (layout.startsWith("a fresh folder")) {
            extra << "--out" << root.filePath("new/path/run");
            written = "new";
        } else if (layout.startsWith("the lock is")) {
            if (layout.contains("previous run") || layout.endsWith("--resume"))
                previous_run();
            QDir().mkpath(out);
            const QByteArray lock = QFile::encodeName(out + "/.mergelab.lock");
            ::unlink(lock.constData());
            if (layout.contains("hard link"))
                QCOMPARE(::link(qPrintable(outside + "/file.txt"), lock.constData()), 0);
            else if (layout.contains("FIFO"))
                QCOMPARE(::mkfifo(lock.constData(), 0644), 0);
            else if (layout.contains("symbolic link"))
                QVERIFY(QFile::link(outside + "/file.txt", out + "/.mergelab.lock"));
            else
                QVERIFY(QDir().mkpath(out + "/.mergelab.lock"));
            if (layout.contains("--force"))
                extra << "--force";
            if (layout.endsWith("--resume"))
                whole = {"--log-level", "warn", "run", "--resume", out, "--rounds", "2", "--data", dataDir()};
        } else if (layout.startsWith("a user's")) {
            if (layout.contains("metrics.csv"))
                touch(out + "/metrics.csv", "user's table");
            if (layout.contains("temporary"))
                touch(out + "/thesis.tmp-old.txt", "draft");
            if (layout.contains("model"))
                touch(out + "/models/round-001-env-1.pt", "user's model");
            extra << "--force";
        } else if (layout.startsWith("a previous run and")) {
            previous_run();
            if (layout.contains("user's file"))
                touch(out + "/run.json.tmp-old", "draft");
            if (layout.contains("did not write"))
                touch(out + "/models/round-007-env-9.pt", "user's model");
            if (layout.contains("leftover"))
                touch(out + "/run.json.tmp-12345-1", "half a run.json");
            extra << "--force";
        } else if (layout.startsWith("--out link")) {
            QDir().mkpath(outside + "/empty");
            QVERIFY(QFile::link(outside + "/empty", root.filePath("link")));
            extra << "--out" << root.filePath(layout.contains("/.") ? "link/." : "link/");
            written = "link";
            named = "link";
        } else if (layout.startsWith("a previous run whose models cannot")) {
            previous_run();
            frozen = std::make_unique<Immutable>(out + "/models");
            if (!frozen->ok())
                QSKIP("chattr +i is not available here (it needs root on ext4/xfs/btrfs)");
            extra << "--force";
        }
        const auto before_outside = snapshot(root.path(), written);
        const auto before_all = snapshot(root.path());
        QElapsedTimer clock;
        clock.start();
        const auto r = whole.isEmpty() ? run(out, extra) : run_cli(whole, 60000);
        QVERIFY2(clock.elapsed() < 55000, "hung");
        QVERIFY2((r.exit_code == 0) == succeeds,
                 qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        if (!succeeds) {
            QCOMPARE(r.exit_code, 1);
            QVERIFY2(r.err.contains(named), qPrintable(r.err)); // names the folder
            QVERIFY(!r.err.contains("run saved"));
            QCOMPARE(snapshot(root.path()), before_all); // nothing changed anywhere
        } else {
            QCOMPARE(snapshot(root.path(), written), before_outside);
        }
    }

    // Defect 2: reusing --out no longer mixes runs.
    void replacingAPreviousRunLeavesNothingOfIt() {
        QTemporaryDir root;
        const QString out = root.filePath("run");
        QCOMPARE(run(out, {"--envs", "3", "--save-all", "--rounds", "2"}).exit_code, 0);
        QVERIFY(QFile::exists(out + "/models/round-002-env-3.pt"));
        QCOMPARE(run(out, {"--envs", "2"}).exit_code, 1);
        QCOMPARE(run(out, {"--envs", "2", "--force"}).exit_code, 0);
        QVERIFY(!QFile::exists(out + "/models/round-001-env-3.pt"));
        QVERIFY(!QFile::exists(out + "/models/round-002-avg.pt"));
        QCOMPARE(run(out, {"--lanes", "avg,absmax", "--force"}).exit_code, 0);
        QVERIFY(!QFile::exists(out + "/run.json")); // show must now print the lanes
        const auto shown = run_cli({"show", out});
        QCOMPARE(shown.exit_code, 0);
        QVERIFY(shown.out.contains("lane absmax"));
    }

    // Defect 3: a second writer is refused at once, naming the first.
    void aSecondWriterIsRefusedNamingTheFirst() {
        QTemporaryDir root;
        const QString out = root.filePath("run");
        QProcess first;
        first.start(qEnvironmentVariable("MERGELAB_CLI"), {"--log-level", "warn", "run", "--data", dataDir(),
                                                           "--rounds", "40", "--threads", "1", "--out", out});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + "/models"), 20000);
        const auto second = run(out, {"--force"});
        QCOMPARE(second.exit_code, 1);
        QVERIFY2(second.err.contains("process " + QString::number(first.processId())),
                 qPrintable(second.err));
        ::kill(static_cast<pid_t>(first.processId()), SIGTERM);
        QVERIFY(first.waitForFinished(20000));
        QCOMPARE(first.exitCode(), 143); // 128 + SIGTERM
        QCOMPARE(run_cli({"show", out}).exit_code, 0);
    }

    // Defect 7: nothing from a file reaches the terminal raw.
    void controlCharactersNeverReachTheTerminal() {
        QTemporaryDir root;
        const QString out = root.filePath("run");
        QCOMPARE(run(out).exit_code, 0);
        QFile f(out + "/run.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray json = f.readAll();
        f.close();
        json.replace("\"message\": \"", "\"message\": \"\\u001b]0;PWNED\\u0007\\u001b[2J");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(json);
        f.close();
        const auto shown = run_cli({"show", out});
        QCOMPARE(shown.exit_code, 0);
        QVERIFY(!shown.out.contains(QChar(0x1b)) && !shown.out.contains(QChar(0x07)));
        QVERIFY(shown.out.contains("\\x1b]0;PWNED"));

        WeightSet w = initial_weights("cnn", 1);
        w[0].name = "conv1.weight\x1b[2J\n\a";
        save_state_dict(root.filePath("evil.pt").toStdString(), w);
        const auto eval = run_cli({"eval", root.filePath("evil.pt"), "--model", "cnn", "--data", dataDir()});
        QCOMPARE(eval.exit_code, 1);
        QVERIFY(!eval.err.contains(QChar(0x1b)) && !eval.err.contains(QChar(0x07)));

        qputenv("MERGELAB_DATA", "/nowhere/\x1b[2J");
        const auto data = run_cli({"eval", root.filePath("evil.pt")});
        qunsetenv("MERGELAB_DATA");
        QVERIFY(!data.err.contains(QChar(0x1b)));
    }

    // Defect 9: NaN weights are refused, naming the tensor.
    void nonFiniteWeightsAreRefusedNamingTheTensor() {
        QTemporaryDir root;
        WeightSet w = initial_weights("cnn", 1);
        w[2].values[5] = std::nanf("");
        save_state_dict(root.filePath("nan.pt").toStdString(), w);
        save_state_dict(root.filePath("ok.pt").toStdString(), initial_weights("cnn", 2));
        const auto eval = run_cli({"eval", root.filePath("nan.pt"), "--data", dataDir()});
        QCOMPARE(eval.exit_code, 1);
        QVERIFY2(eval.err.contains("conv2.weight") && !eval.out.contains("nan"), qPrintable(eval.err));
        const auto merged =
            run_cli({"merge", root.filePath("ok.pt"), root.filePath("nan.pt"), "-o", root.filePath("m.pt")});
        QCOMPARE(merged.exit_code, 1);
        QVERIFY(merged.err.contains("conv2.weight"));
        QVERIFY(!QFile::exists(root.filePath("m.pt")));
    }

    // Defect 10: tensors are matched by name, not by their order in the file.
    void mergeMatchesTensorsByName() {
        QTemporaryDir root;
        const WeightSet a = initial_weights("cnn", 1), b = initial_weights("cnn", 2);
        WeightSet reversed(b.rbegin(), b.rend());
        save_state_dict(root.filePath("a.pt").toStdString(), a);
        save_state_dict(root.filePath("b.pt").toStdString(), b);
        save_state_dict(root.filePath("r.pt").toStdString(), reversed);
        QCOMPARE(
            run_cli({"merge", root.filePath("a.pt"), root.filePath("b.pt"), "-o", root.filePath("ab.pt")})
                .exit_code,
            0);
        QCOMPARE(
            run_cli({"merge", root.filePath("a.pt"), root.filePath("r.pt"), "-o", root.filePath("ar.pt")})
                .exit_code,
            0);
        const WeightSet ab = load_state_dict(root.filePath("ab.pt").toStdString());
        const WeightSet ar = load_state_dict(root.filePath("ar.pt").toStdString());
        QCOMPARE(ab.size(), ar.size());
        for (size_t t = 0; t < ab.size(); ++t)
            QVERIFY(ab[t].values == find_tensor(ar, ab[t].name)->values);
    }

    // Defects 11 and 12, and the minor ones.
    void filesAndValuesThatCannotBeUsedAreRefusedPlainly() {
        QTemporaryDir root;
        QCOMPARE(::mkfifo(qPrintable(root.filePath("run.json")), 0644), 0);
        QElapsedTimer clock;
        clock.start();
        const auto fifo = run_cli({"show", root.filePath("run.json")}, 10000);
        QCOMPARE(fifo.exit_code, 1);
        QVERIFY(fifo.err.contains("not a regular file"));
        QVERIFY(clock.elapsed() < 8000);

        touch(root.filePath("afile"));
        const auto file = run(root.filePath("afile"));
        QCOMPARE(file.exit_code, 1);
        QVERIFY(!file.err.contains("run saved"));

        QCOMPARE(run("").exit_code, 2);
        const auto lanes = run(root.filePath("l"), {"--lanes", "avg,avg"});
        QCOMPARE(lanes.exit_code, 2);
        QVERIFY(lanes.err.contains("--lanes"));
        const auto limit = run(root.filePath("t"), {"--train-limit", "-1"});
        QCOMPARE(limit.exit_code, 2);
        QVERIFY(limit.err.size() < 200);
        for (const char* seed : {"-1", "18446744073709551616", "99999999999999999999999"}) {
            const auto r = run(root.filePath("s"), {"--seed", seed});
            QCOMPARE(r.exit_code, 2);
            QVERIFY(r.err.contains("--seed"));
        }
        const auto alpha = run(root.filePath("d"), {"--split", "dirichlet", "--alpha", "1e-9"});
        QCOMPARE(alpha.exit_code, 2);
        QVERIFY(alpha.err.contains("--alpha"));
    }

    // Defect 13: a bad MERGELAB_LOG is named and does not stop anything.
    void aBadLogVariableIsNamedAndIgnored() {
        qputenv("MERGELAB_LOG", "loud");
        const auto help = run_cli({"--help"});
        const auto methods = run_cli({"--log-level", "error", "methods"});
        qunsetenv("MERGELAB_LOG");
        QCOMPARE(help.exit_code, 0);
        QVERIFY(help.err.contains("MERGELAB_LOG"));
        QCOMPARE(methods.exit_code, 0);
    }

    // FIFOs and devices as inputs or outputs: refused at once, never waited
    // on, never replaced.
    void fifosAndDevicesAreRefusedWithoutWaiting() {
        QTemporaryDir root;
        const QString data = root.filePath("data");
        QVERIFY(QDir().mkpath(data));
        for (const char* name :
             {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
            QVERIFY(QFile::copy(dataDir() + "/" + name, data + "/" + name));
        QCOMPARE(::mkfifo(qPrintable(data + "/t10k-images-idx3-ubyte.gz"), 0644), 0);
        save_state_dict(root.filePath("a.pt").toStdString(), initial_weights("cnn", 1));
        save_state_dict(root.filePath("b.pt").toStdString(), initial_weights("cnn", 2));
        QElapsedTimer clock;
        clock.start();
        const auto eval = run_cli({"eval", root.filePath("a.pt"), "--data", data}, 30000);
        QCOMPARE(eval.exit_code, 1);
        QVERIFY2(eval.err.contains("t10k-images-idx3-ubyte.gz") && eval.err.contains("FIFO"),
                 qPrintable(eval.err));
        const auto train =
            run_cli({"run", "--data", data, "--rounds", "1", "--out", root.filePath("r")}, 30000);
        QCOMPARE(train.exit_code, 1);
        QVERIFY2(train.err.contains("FIFO"), qPrintable(train.err));
        QVERIFY(clock.elapsed() < 25000);

        // A copy of the system's /dev/null (as root) and a FIFO as -o.
        const QString device = root.filePath("null"), pipe = root.filePath("pipe");
        const bool have_device = ::mknod(qPrintable(device), S_IFCHR | 0666, makedev(1, 3)) == 0;
        QCOMPARE(::mkfifo(qPrintable(pipe), 0644), 0);
        if (have_device) {
            const auto merged =
                run_cli({"merge", root.filePath("a.pt"), root.filePath("b.pt"), "-o", device}, 30000);
            QCOMPARE(merged.exit_code, 1);
            QVERIFY2(merged.err.contains("character device"), qPrintable(merged.err));
            QVERIFY(is_char_device(device));
        }
        const auto aligned =
            run_cli({"align", root.filePath("b.pt"), "--to", root.filePath("a.pt"), "-o", pipe}, 30000);
        QCOMPARE(aligned.exit_code, 1);
        QVERIFY2(aligned.err.contains("FIFO"), qPrintable(aligned.err));
        QVERIFY(is_fifo(pipe));
        // --out naming a FIFO says what it is, not "a file".
        const auto out = run(pipe);
        QCOMPARE(out.exit_code, 1);
        QVERIFY2(out.err.contains("FIFO") && !out.err.contains("is a file"), qPrintable(out.err));
        if (!have_device)
            QSKIP("mknod is not permitted here; the device half was not checked");
    }

    // A merge of finite models that overflows is refused, naming the tensor.
    void mergedModelsMustBeFinite() {
        QTemporaryDir root;
        save_state_dict(root.filePath("a.pt").toStdString(), initial_weights("cnn", 1));
        save_state_dict(root.filePath("b.pt").toStdString(), initial_weights("cnn", 2));
        save_state_dict(root.filePath("huge_neg.pt").toStdString(),
                        filled(initial_weights("cnn", 3), -3e38f));
        for (const QStringList& method : {QStringList{"--method", "task-arithmetic", "--param", "lambda=10"},
                                          QStringList{"--method", "ties", "--param", "lambda=10"}}) {
            const QString output = root.filePath("m.pt");
            const auto r = run_cli(QStringList{"merge", root.filePath("a.pt"), root.filePath("b.pt"),
                                               "--base", root.filePath("huge_neg.pt"), "-o", output} +
                                       method,
                                   60000);
            QVERIFY2(r.exit_code == 1, qPrintable(method.join(' ') + ": " + r.err));
            QVERIFY2(r.err.contains("conv1.weight") && r.err.contains("infinite"), qPrintable(r.err));
            QVERIFY(!QFile::exists(output));
        }
    }

    // paper V --force replaces a previous run like run --force: the folder
    // passes its check, and only the missing data set stops it.
    void paperHonoursForce() {
        QTemporaryDir root;
        const QString out = root.filePath("run");
        QCOMPARE(run(out).exit_code, 0);
        const auto before = snapshot(root.path());
        const auto without = run_cli({"paper", "V", "--out", out, "--data", root.filePath("nowhere")}, 60000);
        QCOMPARE(without.exit_code, 1);
        QVERIFY(without.err.contains("--force"));
        const auto with =
            run_cli({"paper", "V", "--out", out, "--force", "--data", root.filePath("nowhere")}, 60000);
        QCOMPARE(with.exit_code, 1);
        QVERIFY2(!with.err.contains("--force") && with.err.contains("does not exist"), qPrintable(with.err));
        QCOMPARE(snapshot(root.path()), before);
    }

    void resumingFromANaNModelIsRefused() {
        QTemporaryDir root;
        const QString out = root.filePath("run");
        QCOMPARE(run(out).exit_code, 0);
        const QString model = out + "/models/round-001-avg.pt";
        QVERIFY(QFile::exists(model));
        WeightSet w = load_state_dict(model.toStdString());
        w[3].values[1] = std::nanf("");
        save_state_dict(model.toStdString(), w);
        const auto r = run_cli({"run", "--resume", out, "--rounds", "2", "--data", dataDir()}, 60000);
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("round-001-avg.pt") && r.err.contains(QString::fromStdString(w[3].name)) &&
                     !r.err.contains("stopped:"),
                 qPrintable(r.err));
    }

    void usageMistakesGetPlainMessages() {
        QTemporaryDir root;
        const QString out = root.filePath("run");
        QCOMPARE(run(out).exit_code, 0);
        const auto resume =
            run_cli({"run", "--resume", out + "/run.json", "--rounds", "2", "--data", dataDir()});
        QCOMPARE(resume.exit_code, 2);
        QVERIFY2(!resume.err.contains("run.json/models") && resume.err.contains("folder"),
                 qPrintable(resume.err));

        save_state_dict(root.filePath("a.pt").toStdString(), initial_weights("cnn", 1));
        save_state_dict(root.filePath("b.pt").toStdString(), initial_weights("cnn", 2));
        const QStringList merge{"merge", root.filePath("a.pt"), root.filePath("b.pt")};
        QCOMPARE(run_cli(merge + QStringList{"-o", ""}).exit_code, 2);
        for (const char* sizes : {"0", "20000000000000000000", "-3", "1e3"}) {
            const auto r = run_cli(merge + QStringList{"--method", "wavg", "--sizes", QString("5,") + sizes,
                                                       "-o", root.filePath("w.pt")});
            QCOMPARE(r.exit_code, 2);
            QVERIFY2(r.err.contains("--sizes") && r.err.size() < 300, qPrintable(r.err));
            QVERIFY(!QFile::exists(root.filePath("w.pt")));
        }
    }

    // Values no run can write: show and --resume refuse them, naming the field.
    void impossibleHistogramsAndCountsAreRefused_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("field");
        QTest::newRow("histogram range upside down") << "range"
                                                     << "range";
        QTest::newRow("confusion count 2^62") << "confusion"
                                              << "confusion";
    }
    void impossibleHistogramsAndCountsAreRefused() {
        QFETCH(QString, change);
        QFETCH(QString, field);
        QTemporaryDir root;
        const QString out = root.filePath("run");
        QCOMPARE(run(out, {"--rounds", "2"}).exit_code, 0);
        QFile f(out + "/run.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject run_json = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QJsonArray rounds = run_json["rounds"].toArray();
        QJsonObject first = rounds[0].toObject();
        if (change == "range") {
            QJsonObject histograms = first["histograms"].toObject();
            QVERIFY(!histograms.isEmpty());
            QJsonObject h = histograms.begin().value().toObject();
            h["range"] = QJsonArray{1.0, -1.0};
            histograms[histograms.begin().key()] = h;
            first["histograms"] = histograms;
        } else {
            QJsonObject merged = first["merged"].toObject();
            QJsonObject method = merged.begin().value().toObject();
            QJsonArray confusion = method["confusion"].toArray();
            QJsonArray row = confusion[2].toArray();
            row[3] = 123456789; // replaced by 2^62 in the text: a double cannot hold it
            confusion[2] = row;
            method["confusion"] = confusion;
            merged[merged.begin().key()] = method;
            first["merged"] = merged;
        }
        rounds[0] = first;
        run_json["rounds"] = rounds;
        QByteArray text = QJsonDocument(run_json).toJson();
        text.replace("123456789", "4611686018427387904");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        f.close();
        const auto shown = run_cli({"show", out});
        QCOMPARE(shown.exit_code, 1);
        QVERIFY2(shown.err.contains(field) && shown.err.contains("run.json"), qPrintable(shown.err));
        const auto resumed = run_cli({"run", "--resume", out, "--rounds", "3", "--data", dataDir()});
        QCOMPARE(resumed.exit_code, 1);
        QVERIFY2(resumed.err.contains(field), qPrintable(resumed.err));
    }

    // Small hostile files under `ulimit -v` 1 GB: refused naming the file,
    // long before memory runs out.
    void bombsAreRefusedNamingTheFile() {
        QTemporaryDir root;
        constexpr unsigned long long kLimit = 1ull << 30;
        // Many entries, each a full view of one 1 MB storage: 4 GB if each
        // view were copied.
        constexpr int64_t kStorage = 1 << 18;
        constexpr int kViews = 4000;
        Pickle pickle;
        pickle.proto(2).orderedDict().op('(');
        for (int i = 0; i < kViews; ++i)
            pickle.tensorItem("w" + std::to_string(i), "FloatStorage", "0", kStorage, {kStorage}, {1});
        pickle.op('u').op('.');
        const QString pt = root.filePath("bomb.pt");
        zipWithPickle(pickle.bytes(), std::string(size_t(kStorage) * 4, '\0'))(pt);
        qInfo("shared-storage bomb: %lld bytes on disk", (long long)QFileInfo(pt).size());
        long peak = 0;
        const auto eval = run_cli_limited({"eval", pt, "--data", dataDir()}, kLimit, &peak, 120000);
        qInfo("eval of the .pt bomb: exit %d, peak RSS %ld KB", eval.exit_code, peak);
        QCOMPARE(eval.exit_code, 1);
        QVERIFY2(eval.err.contains("bomb.pt") && eval.err.contains("counted once"), qPrintable(eval.err));

        // Ten million real-looking labels, and images declaring as many:
        // zeros that gzip shrinks a thousandfold (7.8 GB in ~8 MB, as
        // gzip members one after another, which readers join).
        const QString data = root.filePath("data");
        QVERIFY(QDir().mkpath(data));
        for (const char* name : {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
            QVERIFY(QFile::copy(dataDir() + "/" + name, data + "/" + name));
        const int64_t count = 10'000'000;
        {
            std::vector<uint8_t> labels(static_cast<size_t>(count));
            uint64_t x = 88172645463325252ull;
            for (auto& l : labels)
                x ^= x << 13, x ^= x >> 7, x ^= x << 17, l = uint8_t(x % 10);
            write_idx_labels((data + "/train-labels-idx1-ubyte.gz").toStdString(), labels);
        }
        {
            const auto gzip = [](const QByteArray& bytes) {
                QProcess p;
                p.start("gzip", {"-c", "-9"});
                p.waitForStarted();
                p.write(bytes);
                p.closeWriteChannel();
                p.waitForFinished(60000);
                return p.readAllStandardOutput();
            };
            const unsigned char header[16] = {0, 0, 8, 3, 0, 0x98, 0x96, 0x80, 0, 0, 0, 28, 0, 0, 0, 28};
            const int64_t chunk = 8 << 20, payload = count * 784;
            const QByteArray member = gzip(QByteArray(int(chunk), '\0'));
            QVERIFY(!member.isEmpty());
            QFile f(data + "/train-images-idx3-ubyte.gz");
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(gzip(QByteArray(reinterpret_cast<const char*>(header), 16)));
            for (int64_t i = 0; i < payload / chunk; ++i)
                f.write(member);
            f.write(gzip(QByteArray(int(payload % chunk), '\0')));
        }
        qInfo("gzip IDX bomb: %lld bytes on disk",
              (long long)QFileInfo(data + "/train-images-idx3-ubyte.gz").size());
        const auto run = run_cli_limited(
            {"run", "--data", data, "--rounds", "1", "--out", root.filePath("r")}, kLimit, &peak, 120000);
        qInfo("run on the IDX bomb: exit %d, peak RSS %ld KB", run.exit_code, peak);
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("idx") && run.err.contains("ubyte.gz") && !run.err.contains("bad_alloc"),
                 qPrintable(run.err));
        QVERIFY2(peak < 512 * 1024, "more than 512 MB resident");
    }
};

MERGELAB_TEST_GUILESS(test_run_folders, TestRunFolders)
} // namespace test_run_folders

#include "test_run_folders.moc"
