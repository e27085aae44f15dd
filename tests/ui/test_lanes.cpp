// Lanes mode (one experiment per merge method) in the window: a lane
// selector every view follows, which lane runs, each lane's line style,
// the lanes side by side, and Flow at the end.
#include <QtTest>

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QStandardPaths>

#include <qcustomplot.h>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "confusion_view.h"
#include "experiment_runner.h"
#include "flow_view.h"
#include "histogram_view.h"
#include "i18n.h"
#include "main_window.h"
#include "run_model.h"
#include "samples_view.h"
#include "summary_view.h"
#include "support/test_main.h"

namespace test_lanes {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

RoundResult lane_round(int n, const std::string& method, double acc) {
    RoundResult round;
    round.round = n;
    round.primary = method;
    for (int k = 0; k < 2; ++k) {
        EnvRoundMetrics env;
        env.val_acc = acc + 0.01 * k;
        round.envs.push_back(env);
    }
    MethodMetrics m;
    m.method = method;
    m.test_acc = acc;
    m.confusion[0][0] = 10;
    round.merged.push_back(m);
    round.seconds = 2;
    return round;
}

RunStarted lane_started(const std::string& lane) {
    RunStarted e;
    e.lane = lane;
    e.envs.resize(2);
    e.envs[0].classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    e.envs[1].classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    e.batches_per_round = 10;
    return e;
}

Qt::PenStyle style_of(AccuracyChart* chart, const QString& name) {
    for (int i = 0; i < chart->plot()->graphCount(); ++i)
        if (chart->plot()->graph(i)->name() == name)
            return chart->plot()->graph(i)->pen().style();
    return Qt::NoPen;
}

} // namespace

class TestLanes : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Repeats: every strategy runs for every seed. The lane selector, the
    // status and the run's progress count all of those runs.
    void repeatsCountEveryRunOfEveryStrategy() {
        installLanguage("en");
        MainWindow window;
        window.show();
        ExperimentConfig config;
        config.mode = Mode::Lanes;
        config.lanes = {"avg", "max"};
        config.compare = config.lanes;
        config.repeats = 2;
        config.rounds = 2;
        window.runModel()->startLive(config);
        emit window.runner()->runStarted(lane_started("avg"));
        PhaseChanged phase;
        phase.lane = "avg";
        phase.round = 1;
        phase.phase = Phase::Training;
        phase.env = 0;
        emit window.runner()->phaseChanged(phase);
        QVERIFY2(window.laneSelector()->itemText(0).contains("1 of 4: avg, seed 1"),
                 qPrintable(window.laneSelector()->itemText(0)));
        const QString status = window.findChild<QLabel*>("phaseLabel")->text();
        QVERIFY2(status.contains("Lane 1 of 4: avg"), qPrintable(status));
        // 10 batches a round, 2 rounds, 4 runs: 8 batches are a tenth.
        BatchProgress b;
        b.lane = "avg";
        b.round = 1;
        b.env = 0;
        b.epoch = 1;
        b.batches = 10;
        for (int i = 1; i <= 8; ++i) {
            b.batch = i == 8 ? b.batches : i; // the last one is always shown
            emit window.runner()->batchProgress(b);
        }
        auto* progress = window.findChild<QProgressBar*>("runProgress");
        QVERIFY(progress);
        QCOMPARE(progress->value(), 100);
        QCOMPARE(progress->maximum(), 1000);
    }

    void everyViewFollowsTheLaneSelector() {
        installLanguage("en"); // its plurals: "3 lanes", not "3 lane(s)"
        MainWindow window;
        window.show();
        ExperimentConfig config;
        config.mode = Mode::Lanes;
        config.lanes = {"avg", "max", "absmax"};
        config.compare = config.lanes;
        RunModel* model = window.runModel();
        model->startLive(config);
        // What the runner relays while the first two lanes run.
        emit window.runner()->runStarted(lane_started("avg"));
        model->appendRound("avg", lane_round(1, "avg", 0.80));
        model->appendRound("avg", lane_round(2, "avg", 0.85));
        emit window.runner()->runStarted(lane_started("max"));
        model->appendRound("max", lane_round(1, "max", 0.40));
        PhaseChanged phase;
        phase.lane = "max";
        phase.round = 2;
        phase.phase = Phase::Training;
        phase.env = 0;
        emit window.runner()->phaseChanged(phase);

        // The selector shows, with the running lane, and the status says it.
        QVERIFY(window.laneSelectorAction()->isVisible());
        QComboBox* lanes = window.laneSelector();
        QCOMPARE(lanes->count(), 2);
        QCOMPARE(lanes->currentIndex(), 1);
        QVERIFY2(lanes->itemText(1).contains("2 of 3: max"), qPrintable(lanes->itemText(1)));
        const QString status = window.findChild<QLabel*>("phaseLabel")->text();
        QVERIFY2(status.contains("Lane 2 of 3: max"), qPrintable(status));

        // Every view shows the running lane's models.
        AccuracyChart* chart = window.view<AccuracyPage>()->chart();
        QVERIFY2(chart->titleText().contains("lane max"), qPrintable(chart->titleText()));
        QCOMPARE(window.view<ConfusionView>()->sources().first(), QStringLiteral("max"));
        // The finished lane's line stays, in its own style.
        QCOMPARE(chart->seriesValues("lane avg").size(), 2);
        QCOMPARE(style_of(chart, "lane avg"), Qt::SolidLine);
        QCOMPARE(style_of(chart, "lane max"), Qt::DashLine);
        QCOMPARE(style_of(chart, "Env 1 local"), Qt::DashLine);

        // Picking a lane moves every view to it.
        lanes->setCurrentIndex(0);
        emit lanes->activated(0);
        QCOMPARE(model->selectedLane(), 0);
        QCOMPARE(window.view<ConfusionView>()->sources().first(), QStringLiteral("avg"));
        QVERIFY(window.view<SamplesView>()->methods().contains("avg"));
        QCOMPARE(window.shownRound(), 2);
        QVERIFY(chart->titleText().contains("lane avg"));
        QCOMPARE(style_of(chart, "Env 1 local"), Qt::SolidLine);

        // Side by side.
        SummaryView* summary = window.view<SummaryView>();
        QCOMPARE(summary->rowCount(), 2);
        QVERIFY2(summary->heading().contains("2 of 3 lanes,"), qPrintable(summary->heading()));
        QVERIFY(summary->cell(0, 0).contains("lane avg (1 of 3)"));
        QCOMPARE(summary->cell(0, 1), QStringLiteral("85.00 %"));
        QCOMPARE(summary->cell(1, 4), QStringLiteral("running"));

        // The last lane runs and ends; Flow shows the lane the user looks at.
        emit window.runner()->runStarted(lane_started("absmax"));
        model->appendRound("absmax", lane_round(1, "absmax", 0.70));
        RunResult done;
        done.lane = "absmax";
        done.stopped = StopReason::MaxRounds;
        model->finishLane(done);
        model->selectLane(0);
        model->finishLive();
        QTRY_VERIFY2_WITH_TIMEOUT(window.view<FlowView>()->caption().contains("Finished"),
                                  qPrintable(window.view<FlowView>()->caption()), 20000);
        QCOMPARE(window.laneSelector()->count(), 3);
        QVERIFY(!window.view<FlowView>()->caption().contains("absmax"));
        QCOMPARE(summary->rowCount(), 3);
    }
};

MERGELAB_TEST_WIDGETS(test_lanes, TestLanes)
} // namespace test_lanes

#include "test_lanes.moc"
