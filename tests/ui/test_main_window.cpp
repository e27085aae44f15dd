// The main window as a user meets it: setup validation, a live round filling
// the views, and a saved run opened again.
#include <QtTest>

#include <QAbstractButton>
#include <QAction>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "confusion_view.h"
#include "experiment_runner.h"
#include "histogram_view.h"
#include "main_window.h"
#include "mergelab/run_files.h"
#include "run_model.h"
#include "setup_panel.h"
#include "support/synthetic.h"
#include "support/test_main.h"
#include "ui_fixture.h"

namespace test_main_window {

using namespace mergelab;
using namespace mergelab::ui;

class TestMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    ExperimentConfig small(int rounds) const {
        ExperimentConfig c = testing::small_config(rounds, dir_.filePath("data").toStdString());
        c.baseline = true;
        return c;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(dir_.isValid());
        testing::SyntheticSpec spec;
        spec.train_per_class = 40;
        spec.test_per_class = 10;
        testing::write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), spec);
    }

    void invalidSetupDisablesStartAndSaysWhy_data() {
        QTest::addColumn<QString>("field");
        QTest::newRow("lr") << "lr";
        QTest::newRow("negative lr") << "lr-negative";
        QTest::newRow("class twice") << "classes";
        QTest::newRow("env without class") << "classes-empty";
        QTest::newRow("data") << "data";
        QTest::newRow("no method") << "compare";
    }
    void invalidSetupDisablesStartAndSaysWhy() {
        QFETCH(QString, field);
        MainWindow window;
        SetupPanel* setup = window.setupPanel();
        setup->setConfig(small(2));
        QVERIFY2(setup->isValid(), qPrintable(setup->problem()));
        QVERIFY(window.startAction()->isEnabled());
        auto c = small(2);
        QString shown = field.section('-', 0, 0);
        if (field == "lr") {
            auto* lr = setup->findChild<QLineEdit*>("lr");
            QVERIFY(lr);
            lr->setText("fast");
        } else if (field == "lr-negative") {
            c.lr = -0.5;
            setup->setConfig(c);
        } else if (field == "classes") {
            c.split.kind = "H";
            c.split.classes = {{0, 1, 2, 3, 4}, {4, 5, 6, 7, 8, 9}};
            setup->setConfig(c);
        } else if (field == "classes-empty") {
            c.split.kind = "H";
            c.split.envs = 3;
            c.split.classes = {{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}, {}};
            setup->setConfig(c);
        } else if (field == "data") {
            c.data_dir = dir_.filePath("missing").toStdString();
            setup->setConfig(c);
        } else if (field == "compare") {
            c.compare = {};
            setup->setConfig(c);
        }
        QVERIFY(!setup->isValid());
        QVERIFY(!window.startAction()->isEnabled());
        QVERIFY2(!setup->fieldError(shown).isEmpty(),
                 qPrintable("no message beside " + shown + ": " + setup->problem()));
        QVERIFY(window.startAction()->toolTip().contains(setup->problem()));
    }

    // Each Alt+letter of the menu bar and the view tabs reaches one place.
    void menusAndTabsHaveDistinctMnemonics() {
        const QStringList clashes = testing::mnemonic_clashes_of_new<MainWindow>();
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join('\n')));
    }

    void oneRoundFillsTheViews() {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        window.setupPanel()->setConfig(small(1));
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        window.startRun();
        QVERIFY(finished.wait(60000));
        QTest::qWait(100);
        RunPtr run = window.shownRun();
        QVERIFY(run);
        QCOMPARE(run->rounds.size(), size_t(1));
        const RoundResult& r = run->rounds[0];
        QCOMPARE(window.view<AccuracyPage>()->chart()->seriesValues("avg"),
                 QVector<double>{100 * r.method("avg")->test_acc});
        QCOMPARE(window.view<AccuracyPage>()->chart()->seriesValues("Env 2 local"),
                 QVector<double>{100 * r.envs[1].val_acc});
        QCOMPARE(window.view<AccuracyPage>()->chart()->seriesValues("central"),
                 QVector<double>{100 * *r.central_test_acc});
        window.view<HistogramView>()->setLayer("fc2.bias");
        const auto& h = r.histograms.back();
        QCOMPARE(h.tensor, std::string("fc2.bias"));
        QVector<double> expected(h.envs[0].begin(), h.envs[0].end());
        QCOMPARE(window.view<HistogramView>()->seriesCounts("Env 1"), expected);
        window.view<ConfusionView>()->setSource("max");
        QVERIFY(window.view<ConfusionView>()->shownMatrix() == r.method("max")->confusion);
        QVERIFY(window.startAction()->isEnabled());
    }

    void openedRunShowsTheSavedNumbers() {
        auto c = small(2);
        c.out_dir = dir_.filePath("saved").toStdString();
        FashionMnist data = load_fashion_mnist(c.data_dir);
        const RunResult saved = run_experiment(c, data)[0];
        MainWindow window;
        QSignalSpy loaded(&window, &MainWindow::testImagesLoaded);
        QVERIFY(window.openRun(dir_.filePath("saved")));
        // The run is shown at once; its test images follow from Qt's pool,
        // the status bar saying so meanwhile.
        QVERIFY(window.loadingTestImages());
        QVERIFY(!window.runModel()->data());
        QVERIFY2(window.statusBar()->currentMessage().contains("Loading the test images"),
                 qPrintable(window.statusBar()->currentMessage()));
        QVERIFY(loaded.wait(60000));
        QVERIFY(!window.loadingTestImages());
        QVERIFY(window.runModel()->data());
        QCOMPARE(window.runModel()->data()->test.size(), data.test.size());
        QVERIFY(window.statusBar()->currentMessage().isEmpty());
        RunPtr run = window.shownRun();
        QVERIFY(run);
        QCOMPARE(format_round_table(*run), format_round_table(saved));
        QVector<double> absmax;
        for (const auto& r : saved.rounds)
            absmax << 100 * r.method("absmax")->test_acc;
        QCOMPARE(window.view<AccuracyPage>()->chart()->seriesValues("absmax"), absmax);
        QCOMPARE(window.shownRound(), 2);
        QVERIFY(window.view<ConfusionView>()->shownMatrix() ==
                    saved.rounds[1].method(saved.rounds[1].primary)->confusion ||
                window.view<ConfusionView>()->source() != "avg");
        QVERIFY(!window.openRun(dir_.filePath("data"))); // not a run: refused, window still usable
        QVERIFY(window.shownRun());
    }

    void closingMidRunStopsPromptly() {
        auto* window = new MainWindow;
        window->show();
        window->setupPanel()->setConfig(small(100));
        QSignalSpy batches(window->runner(), &ExperimentRunner::batchProgress);
        window->startRun();
        QVERIFY(batches.wait(30000));
        QElapsedTimer timer;
        timer.start();
        // Quitting a run asks first; the answer stops it at once.
        QTimer::singleShot(0, window, [window] {
            for (auto* box : window->findChildren<QMessageBox*>("confirmQuit"))
                for (QAbstractButton* b : box->buttons())
                    if (b->text() == "Stop and quit")
                        b->click();
        });
        window->close();
        QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 2000);
        delete window;
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    }
};

MERGELAB_TEST_WIDGETS(test_main_window, TestMainWindow)
} // namespace test_main_window

#include "test_main_window.moc"
