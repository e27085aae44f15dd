// Repeats in the window's views: the Summary gives each strategy's mean ±
// sd with its interval and the paired difference, and the Accuracy chart
// draws a filled band per strategy that the band switch turns from the 95 %
// interval into the seeds' min-max range, against rounds or traffic.
#include <QtTest>

#include <QAction>
#include <QFile>
#include <QTemporaryDir>
#include <QToolButton>

#include <cmath>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "insight_kit.h"
#include "run_model.h"
#include "summary_view.h"
#include "support/test_main.h"

namespace test_repeats_view {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

// What each of a lane's two environments sends and receives in a round:
// avg+fedprox three times avg's weights, and statistics that differ by seed.
int64_t weight_bytes(const std::string& lane) {
    return lane == "avg" ? 1000 : 3000;
}
int64_t statistics_bytes(uint64_t seed) {
    return int64_t(5 * seed);
}

RunResult seed_run(uint64_t seed, const std::string& lane, const std::vector<double>& accs) {
    RunResult run;
    run.config.mode = Mode::Compare;
    run.config.method = lane;
    run.config.compare = {lane};
    run.config.seed = seed;
    run.config.repeats = 3;
    run.lane = lane;
    run.envs.resize(2);
    run.stopped = StopReason::MaxRounds;
    for (size_t i = 0; i < accs.size(); ++i) {
        RoundResult r;
        r.round = int(i) + 1;
        r.primary = lane;
        r.envs.resize(2);
        for (EnvRoundMetrics& env : r.envs) {
            env.sent_weight_bytes = env.received_weight_bytes = weight_bytes(lane);
            env.sent_statistics_bytes = statistics_bytes(seed);
        }
        MethodMetrics m;
        m.method = lane;
        m.test_acc = accs[i];
        r.merged.push_back(m);
        run.rounds.push_back(r);
    }
    return run;
}

} // namespace

class TestRepeatsView : public QObject {
    Q_OBJECT

    // Three seeds of two lanes, as a run folder opens: seed by seed.
    std::vector<RunResult> runs_;
    std::vector<double> finals_[2];

private slots:
    // The views that read saved models (scatter, interpolation) find each
    // seed's in its own seed-N/ folder, however the run was opened.
    void eachSeedsModelsAreInItsOwnFolder() {
        QTemporaryDir dir;
        QFile lanes(dir.path() + "/lanes.json");
        QVERIFY(lanes.open(QIODevice::WriteOnly));
        lanes.close();
        const std::vector<RunResult> runs{seed_run(1, "avg", {0.5}), seed_run(2, "avg", {0.6})};
        RunModel model;
        model.load(runs, dir.path());
        QCOMPARE(models_folder(model, runs[1]), dir.path() + "/lanes/avg/seed-2");
        model.load(runs, dir.path() + "/lanes/avg/run.json");
        QCOMPARE(models_folder(model, runs[0]), dir.path() + "/lanes/avg/seed-1");
        model.load(runs, dir.path() + "/lanes/avg/seed-1/run.json");
        QCOMPARE(models_folder(model, runs[0]), dir.path() + "/lanes/avg/seed-1");
        RunResult single = seed_run(1, "avg", {0.5});
        single.config.repeats = 1;
        single.lane.clear();
        model.load({single}, dir.path());
        QCOMPARE(models_folder(model, single), dir.path());
    }

    void initTestCase() {
        for (uint64_t seed = 1; seed <= 3; ++seed) {
            const double shift = 0.02 * double(seed) - 0.01 * double(seed * seed % 3);
            runs_.push_back(seed_run(seed, "avg", {0.40 + shift, 0.60 + shift, 0.70 + shift / 2}));
            runs_.push_back(seed_run(seed, "avg+fedprox", {0.45 + shift, 0.66 - shift, 0.74 + shift}));
            finals_[0].push_back(runs_[runs_.size() - 2].rounds.back().merged[0].test_acc);
            finals_[1].push_back(runs_.back().rounds.back().merged[0].test_acc);
        }
    }

    void summaryShowsMeanSdIntervalAndPairedDifference() {
        RunModel model;
        SummaryView summary;
        summary.setRunModel(&model);
        model.load(runs_, QStringLiteral("/nowhere"));
        QCOMPARE(summary.rowCount(), 2);
        QVERIFY2(summary.heading().contains("3 seed"), qPrintable(summary.heading()));
        // The figures worked out here, in the Summary's format.
        const auto mean = [](const std::vector<double>& v) { return (v[0] + v[1] + v[2]) / 3; };
        const auto sd = [&](const std::vector<double>& v) {
            const double m = mean(v);
            return std::sqrt(((v[0] - m) * (v[0] - m) + (v[1] - m) * (v[1] - m) + (v[2] - m) * (v[2] - m)) /
                             2);
        };
        const double t = 4.302653; // t_{0.975,2}
        const QString expected =
            QStringLiteral("%1 ± %2 [%3, %4]")
                .arg(100 * mean(finals_[1]), 0, 'f', 2)
                .arg(100 * sd(finals_[1]), 0, 'f', 2)
                .arg(100 * (mean(finals_[1]) - t * sd(finals_[1]) / std::sqrt(3.0)), 0, 'f', 2)
                .arg(100 * (mean(finals_[1]) + t * sd(finals_[1]) / std::sqrt(3.0)), 0, 'f', 2);
        QCOMPARE(summary.cell(1, 2), expected);
        QVERIFY(summary.cell(0, 0).contains("avg"));
        QCOMPARE(summary.cell(1, 1), QStringLiteral("3"));
        std::vector<double> diff;
        for (size_t k = 0; k < 3; ++k)
            diff.push_back(finals_[1][k] - finals_[0][k]);
        const QString paired = summary.cell(1, 4);
        QVERIFY2(paired.startsWith(QStringLiteral("%1%2 ± %3 [")
                                       .arg(mean(diff) >= 0 ? "+" : "")
                                       .arg(100 * mean(diff), 0, 'f', 2)
                                       .arg(100 * sd(diff), 0, 'f', 2)),
                 qPrintable(paired));
        // The primary has no difference from itself.
        QVERIFY(summary.cell(0, 4).isEmpty());
    }

    void accuracyChartDrawsBandsThatToggle() {
        RunModel model;
        AccuracyPage page;
        page.setRunModel(&model);
        page.resize(900, 600);
        model.load(runs_, QStringLiteral("/nowhere"));
        AccuracyChart* chart = page.chart();
        QCOMPARE(chart->bandCount(), 2);
        QCOMPARE(chart->band(), AccuracyChart::Band::Interval);
        const QVector<double> means = chart->seriesValues("avg+fedprox mean");
        QCOMPARE(means.size(), 3);
        QVERIFY(std::fabs(means[2] - 100 * (finals_[1][0] + finals_[1][1] + finals_[1][2]) / 3) < 1e-9);
        const QVector<double> upperInterval = chart->seriesValues("avg+fedprox band");
        // The switch is on screen and carries the action with its shortcut.
        auto* button = page.findChild<QToolButton*>("bandButton");
        QVERIFY(button && button->isVisibleTo(&page));
        QAction* action = page.intervalBandAction();
        QCOMPARE(action->shortcut(), QKeySequence("Ctrl+Shift+B"));
        button->click();
        QCOMPARE(chart->band(), AccuracyChart::Band::MinMax);
        QCOMPARE(chart->bandCount(), 2);
        const double top = *std::max_element(finals_[1].begin(), finals_[1].end());
        QCOMPARE(chart->seriesValues("avg+fedprox band")[2], 100 * top);
        // Three seeds: the 95 % interval reaches past the highest seed.
        QVERIFY(upperInterval[2] > 100 * top);
        QVERIFY(chart->titleText().contains("min to max"));
        action->trigger();
        QCOMPARE(chart->band(), AccuracyChart::Band::Interval);
        QVERIFY(chart->titleText().contains("95 %"));
    }

    // Each lane's mean line and band at the bytes its own runs had moved by
    // each round, the mean over the seeds.
    void bandsAgainstTraffic() {
        RunModel model;
        AccuracyPage page;
        page.setRunModel(&model);
        page.resize(900, 600);
        model.load(runs_, QStringLiteral("/nowhere"));
        QVERIFY2(page.trafficReason().isEmpty(), qPrintable(page.trafficReason()));
        QVERIFY(page.trafficButton()->isEnabled());
        page.trafficButton()->click();
        AccuracyChart* chart = page.chart();
        QVERIFY(chart->trafficShown());
        QCOMPARE(chart->bandCount(), 2);
        for (const std::string lane : {"avg", "avg+fedprox"}) {
            QVector<double> want;
            for (int round = 1; round <= 3; ++round) {
                double sum = 0;
                for (uint64_t seed = 1; seed <= 3; ++seed)
                    sum += round * 2.0 * double(2 * weight_bytes(lane) + statistics_bytes(seed));
                want.append(sum / 3);
            }
            const QString name = QString::fromStdString(lane);
            QCOMPARE(chart->seriesKeys(name + " mean"), want);
            QCOMPARE(chart->seriesKeys(name + " band"), want);
        }
        // The accuracies are the same as against rounds.
        QCOMPARE(chart->seriesValues("avg+fedprox mean")[2],
                 100 * (finals_[1][0] + finals_[1][1] + finals_[1][2]) / 3);
        QVERIFY2(chart->xAxisTitle().contains("Cumulative traffic"), qPrintable(chart->xAxisTitle()));
        QVERIFY2(chart->noteText().contains("mean over the seeds"), qPrintable(chart->noteText()));
        page.roundsButton()->click();
        QCOMPARE(chart->seriesKeys("avg mean"), (QVector<double>{1, 2, 3}));
    }

    void oneSeedHasNoBandsAndNoSwitch() {
        RunModel model;
        AccuracyPage page;
        page.setRunModel(&model);
        RunResult single = runs_.front();
        single.config.repeats = 1;
        single.lane.clear();
        model.load({single}, QStringLiteral("/nowhere"));
        QCOMPARE(page.chart()->bandCount(), 0);
        QVERIFY(!page.findChild<QToolButton*>("bandButton")->isVisibleTo(&page));
    }
};

MERGELAB_TEST_WIDGETS(test_repeats_view, TestRepeatsView)
} // namespace test_repeats_view

#include "test_repeats_view.moc"
