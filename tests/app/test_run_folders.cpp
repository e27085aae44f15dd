// Run folders attacked from outside, through mergelab-cli as a user (or an
// attacker) would: links, other runs' folders, two writers, stale locks.
// Every case checks that no byte outside the run folder changed and no file
// MergeLab did not write was removed.
#include <QtTest>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>

#include <csignal>
#include <functional>

#include <sys/stat.h>
#include <unistd.h>

#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "support/process.h"
#include "support/synthetic.h"

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
        if (!skip.isEmpty() && (rel == skip || rel.startsWith(skip + "/"))) continue;
        const QFileInfo info(path);
        if (info.isSymLink()) {
            files[rel] = "link:" + info.symLinkTarget().toUtf8();
        } else if (info.isFile()) {
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

} // namespace

class TestRunFolders : public QObject {
    Q_OBJECT

    QTemporaryDir data_;
    QString dataDir() const { return data_.filePath("data"); }

    // A quick run into `out` (one round on a few synthetic images).
    // `extra` may give its own --out or --rounds.
    ProcessResult run(const QString& out, const QStringList& extra = {}) {
        QStringList args{"--log-level", "warn", "run", "--data", dataDir(), "--threads", "1", "--batch", "16",
                         "--bins", "8"};
        if (!extra.contains("--out")) args << "--out" << out;
        if (!extra.contains("--rounds")) args << "--rounds" << "1";
        return run_cli(args + extra);
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
            {"a stale lock and an unfinished run, --force", true},
            {"run.json is a FIFO", false},
            {"a previous run whose model is a hard link to a file outside, --force", true},
            {"a fresh folder inside a new path", true},
        };
        for (const auto& [layout, ok] : rows) QTest::newRow(qPrintable(layout)) << layout << ok;
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
            extra << "--lanes" << "avg,max";
        } else if (layout.startsWith("a lane folder")) {
            QDir().mkpath(out + "/lanes");
            QVERIFY(QFile::link(outside, out + "/lanes/avg"));
            extra << "--lanes" << "avg";
        } else if (layout.startsWith("the folder of another run")) {
            previous_run();
            if (layout.endsWith("--force")) extra << "--force";
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
            if (layout.contains("unfinished")) touch(out + "/models/round-001-env-1.pt", "half a model");
            if (layout.endsWith("--force")) extra << "--force";
        } else if (layout.startsWith("run.json is a FIFO")) {
            QDir().mkpath(out);
            QCOMPARE(::mkfifo(qPrintable(out + "/run.json"), 0644), 0);
        } else if (layout.startsWith("a previous run whose model")) {
            previous_run();
            QFile::remove(out + "/models/round-001-env-1.pt");
            QCOMPARE(::link(qPrintable(outside + "/round-001-env-1.pt"), qPrintable(out + "/models/round-001-env-1.pt")),
                     0);
            extra << "--force";
        } else if (layout.startsWith("a fresh folder")) {
            extra << "--out" << root.filePath("new/path/run");
            written = "new";
        }
        const auto before_outside = snapshot(root.path(), written);
        const auto before_all = snapshot(root.path());
        const auto r = run(out, extra);
        QVERIFY2((r.exit_code == 0) == succeeds, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        if (!succeeds) {
            QCOMPARE(r.exit_code, 1);
            QVERIFY2(r.err.contains(QFileInfo(out).fileName()), qPrintable(r.err)); // names the folder
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
        first.start(qEnvironmentVariable("MERGELAB_CLI"),
                    {"--log-level", "warn", "run", "--data", dataDir(), "--rounds", "40", "--threads", "1", "--out",
                     out});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + "/models"), 20000);
        const auto second = run(out, {"--force"});
        QCOMPARE(second.exit_code, 1);
        QVERIFY2(second.err.contains("process " + QString::number(first.processId())), qPrintable(second.err));
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
        const auto merged = run_cli({"merge", root.filePath("ok.pt"), root.filePath("nan.pt"), "-o", root.filePath("m.pt")});
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
        QCOMPARE(run_cli({"merge", root.filePath("a.pt"), root.filePath("b.pt"), "-o", root.filePath("ab.pt")}).exit_code, 0);
        QCOMPARE(run_cli({"merge", root.filePath("a.pt"), root.filePath("r.pt"), "-o", root.filePath("ar.pt")}).exit_code, 0);
        const WeightSet ab = load_state_dict(root.filePath("ab.pt").toStdString());
        const WeightSet ar = load_state_dict(root.filePath("ar.pt").toStdString());
        QCOMPARE(ab.size(), ar.size());
        for (size_t t = 0; t < ab.size(); ++t) QVERIFY(ab[t].values == find_tensor(ar, ab[t].name)->values);
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
};

QTEST_GUILESS_MAIN(TestRunFolders)
#include "test_run_folders.moc"
