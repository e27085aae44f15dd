// The run folder's rules from inside the core, and the values a run file
// may hold: what show prints must be something a run could have produced.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/split.h"
#include "mergelab/text.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_run_folder {

using namespace mergelab;
using Json = nlohmann::ordered_json;

namespace {

FashionMnist tiny_data() {
    return testing::synthetic_fashion_mnist(6, 3);
}

std::string read(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll().toStdString();
}

} // namespace

class TestRunFolder : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string good_; // a valid run.json

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        auto c = testing::small_config(2);
        c.out_dir = dir_.filePath("good").toStdString();
        QCOMPARE(run_experiment(c, tiny_data())[0].stopped, StopReason::MaxRounds);
        good_ = read(dir_.filePath("good/run.json"));
    }

    void foldersAreSortedByWhatTheyHold() {
        QCOMPARE(inspect_run_folder(dir_.filePath("none").toStdString()).kind, FolderKind::Missing);
        QDir().mkpath(dir_.filePath("empty"));
        QCOMPARE(inspect_run_folder(dir_.filePath("empty").toStdString()).kind, FolderKind::Empty);
        QCOMPARE(inspect_run_folder(dir_.filePath("good").toStdString()).kind, FolderKind::MergeLabRun);
        QDir().mkpath(dir_.filePath("notes"));
        QFile(dir_.filePath("notes/a.txt")).open(QIODevice::WriteOnly);
        const auto other = inspect_run_folder(dir_.filePath("notes").toStdString());
        QCOMPARE(other.kind, FolderKind::Other);
        QVERIFY(QString::fromStdString(other.why).contains("a.txt"));
    }

    void pathsInsideARunCannotLeaveIt() {
        auto folder = claim_run_folder(dir_.filePath("claimed").toStdString(), false);
        for (const char* bad : {"../x", "/etc/passwd", "models/../../x", ""})
            QVERIFY_THROWS_EXCEPTION(Error, folder->write_file(bad, "x"));
        QVERIFY(QFile::link(dir_.path(), dir_.filePath("claimed/models")));
        QVERIFY_THROWS_EXCEPTION(Error, folder->write_file("models/x.pt", "x"));
        QVERIFY(!QFile::exists(dir_.filePath("x.pt")));
        QFile::remove(dir_.filePath("claimed/models"));
        folder->make_folder("models");
        folder->write_file("models/round-001-avg.pt", "model");
        QVERIFY(folder->exists("models/round-001-avg.pt"));
        folder->remove_file("models/round-001-avg.pt");
        QVERIFY(!folder->exists("models/round-001-avg.pt"));
        // A second claim while the first holds the lock names this process.
        try {
            claim_run_folder(dir_.filePath("claimed").toStdString(), true);
            QFAIL("a second writer was admitted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(QString::number(QCoreApplication::applicationPid())),
                     e.what());
        }
    }

    void aRunCopiesOnlyIntoANewOrEmptyFolder() {
        copy_run_folder(dir_.filePath("good").toStdString(), dir_.filePath("copy").toStdString());
        QCOMPARE(read(dir_.filePath("copy/run.json")), good_);
        QVERIFY(QFile::exists(dir_.filePath("copy/models/round-002-avg.pt")));
        QVERIFY_THROWS_EXCEPTION(
            Error, copy_run_folder(dir_.filePath("good").toStdString(), dir_.filePath("copy").toStdString()));
        QVERIFY_THROWS_EXCEPTION(Error, copy_run_folder(dir_.filePath("good").toStdString(),
                                                        dir_.filePath("notes").toStdString()));
    }

    // Defect 4: a tiny alpha gives each class to one environment.
    void tinyAlphaGivesEachClassToOneEnvironment() {
        std::vector<uint8_t> labels;
        for (int i = 0; i < 2000; ++i)
            labels.push_back(uint8_t(i % 10));
        const auto parts = make_dirichlet_partitioner(1e-9)->partition(labels, 2, 3);
        int split_classes = 0;
        for (int c = 0; c < 10; ++c) {
            int in_first = 0, in_second = 0;
            for (int64_t i : parts[0])
                in_first += labels[i] == c;
            for (int64_t i : parts[1])
                in_second += labels[i] == c;
            split_classes += in_first > 0 && in_second > 0;
        }
        QCOMPARE(split_classes, 0);
    }

    // Defect 5: a run that fails while splitting says why, and show opens it.
    void aRunFailingWhileSplittingCanBeShown() {
        FashionMnist data = tiny_data();
        Dataset three; // only classes 0-2
        for (int64_t i = 0; i < data.train.size(); ++i)
            if (data.train.labels[i] < 3) {
                three.labels.push_back(data.train.labels[i]);
                three.pixels.insert(three.pixels.end(), data.train.pixels.begin() + i * kImagePixels,
                                    data.train.pixels.begin() + (i + 1) * kImagePixels);
            }
        data.train = three;
        auto c = testing::small_config(1);
        c.split.kind = "H";
        c.out_dir = dir_.filePath("failed").toStdString();
        const auto run = run_experiment(c, data)[0];
        QCOMPARE(run.stopped, StopReason::Failed);
        const auto loaded = load_runs(c.out_dir)[0];
        QCOMPARE(loaded.stopped, StopReason::Failed);
        QVERIFY(loaded.message.find("environment 2") != std::string::npos);
    }

    // Defect 6: values no run can produce are refused, naming the field.
    void impossibleValuesAreRefusedNamingTheField_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("field");
        QTest::newRow("accuracy 5") << "acc=5"
                                    << "test_acc";
        QTest::newRow("accuracy -0.5") << "acc=-0.5"
                                       << "test_acc";
        QTest::newRow("accuracy 1e308") << "acc=1e308"
                                        << "test_acc";
        QTest::newRow("accuracy null") << "acc=null"
                                       << "test_acc";
        QTest::newRow("local accuracy 2") << "val=2"
                                          << "val_acc";
        QTest::newRow("rounds out of order") << "swap"
                                             << "round";
        QTest::newRow("a round repeated") << "repeat"
                                          << "round";
        QTest::newRow("primary method missing") << "drop-primary"
                                                << "lacks method";
        QTest::newRow("negative loss") << "loss=-1"
                                       << "test_loss";
        QTest::newRow("method name with ESC") << "evil-method"
                                              << "not a method name";
        QTest::newRow("histogram range upside down") << "hist-range"
                                                     << "range";
        QTest::newRow("confusion count 2^62") << "confusion-huge"
                                              << "confusion";
        QTest::newRow("env confusion count 2^62") << "env-confusion-huge"
                                                  << "test_confusion";
        QTest::newRow("histogram count 2^62") << "hist-count-huge"
                                              << "histograms";
    }
    void impossibleValuesAreRefusedNamingTheField() {
        QFETCH(QString, change);
        QFETCH(QString, field);
        Json j = Json::parse(good_);
        auto& rounds = j["rounds"];
        const std::string primary = rounds[0]["primary"];
        if (change == "acc=5")
            rounds[1]["merged"][primary]["test_acc"] = 5.0;
        if (change == "acc=-0.5")
            rounds[1]["merged"][primary]["test_acc"] = -0.5;
        if (change == "acc=1e308")
            rounds[1]["merged"][primary]["test_acc"] = 1e308;
        if (change == "acc=null")
            rounds[1]["merged"][primary]["test_acc"] = nullptr;
        if (change == "val=2")
            rounds[0]["envs"][1]["val_acc"] = 2;
        if (change == "swap")
            std::swap(rounds[0], rounds[1]);
        if (change == "repeat")
            rounds[1] = rounds[0];
        if (change == "drop-primary")
            rounds[1]["merged"].erase(primary);
        if (change == "loss=-1")
            rounds[0]["merged"][primary]["test_loss"] = -1;
        if (change == "evil-method")
            rounds[0]["merged"]["x\x1b[2J"] = rounds[0]["merged"][primary];
        if (change == "hist-range") {
            auto& h = rounds[0]["histograms"].begin().value();
            h["range"] = Json::array({1.0, -1.0});
        }
        if (change == "confusion-huge")
            rounds[0]["merged"][primary]["confusion"][2][3] = int64_t(1) << 62;
        if (change == "env-confusion-huge")
            rounds[0]["envs"][0]["test_confusion"][0][0] = int64_t(1) << 62;
        if (change == "hist-count-huge") {
            auto& h = rounds[0]["histograms"].begin().value();
            h["envs"][0][0] = int64_t(1) << 62;
        }
        try {
            run_from_json(j.dump(), "run.json");
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(field), e.what());
            QVERIFY(printable(e.what()) == e.what() || !QString(e.what()).contains(QChar(0x1b)));
        }
    }

    void printableKeepsTextAndEscapesControls() {
        QCOMPARE(printable("plain text"), std::string("plain text"));
        QCOMPARE(printable("\x1b]0;PWNED\a"), std::string("\\x1b]0;PWNED\\x07"));
        QCOMPARE(printable("평균 \xc2\x9b"), std::string("평균 \\xc2\\x9b")); // Korean kept, C1 CSI escaped
        QCOMPARE(printable("\xff\xfe"), std::string("\\xff\\xfe"));
        QCOMPARE(printable(std::string(10, 'a'), 4), std::string("aaaa..."));
    }
};

MERGELAB_TEST_GUILESS(test_run_folder, TestRunFolder)
} // namespace test_run_folder

#include "test_run_folder.moc"
