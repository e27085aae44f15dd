// The chart widgets: what they draw from hand-made run results, their empty
// states, and that painting them at a large and a small size does not crash.
#include <QtTest>

#include <QAction>
#include <QComboBox>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPixmap>
#include <QToolButton>
#include <QToolTip>

#include <cmath>
#include <memory>
#include <qcustomplot.h>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "histogram_view.h"
#include "i18n.h"
#include "loss_chart.h"
#include "mergelab/run_files.h"
#include "messages.h"
#include "run_model.h"
#include "support/test_main.h"
#include "traffic.h"

namespace test_charts {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

const std::vector<std::string> kMethods = {"avg", "max", "absmax"};

// Deterministic, roughly bell-shaped counts, shifted per series so the
// curves are told apart.
std::vector<int64_t> bell(int bins, double centre, double width, double height) {
    std::vector<int64_t> counts(static_cast<size_t>(bins));
    for (int i = 0; i < bins; ++i) {
        const double z = (i + 0.5 - centre) / width;
        counts[static_cast<size_t>(i)] = static_cast<int64_t>(std::lround(height * std::exp(-0.5 * z * z)));
    }
    return counts;
}

LayerHistogram make_histogram(const std::string& tensor, int bins, int round, int tensorIndex) {
    LayerHistogram h;
    h.tensor = tensor;
    h.lo = -0.3 - 0.1 * tensorIndex;
    h.hi = 0.3 + 0.1 * tensorIndex;
    const double mid = bins / 2.0;
    for (int k = 0; k < 2; ++k) {
        h.envs.push_back(bell(bins, mid + (k == 0 ? -1 : 1) * bins / 12.0, bins / 8.0, 100.0 * (round + k)));
        h.env_stats.push_back(Stats{0.0012 * (k + 1) * round, 0.053, -0.31, 0.29});
    }
    h.merged["avg"] = bell(bins, mid, bins / 10.0, 120.0 * round);
    h.merged["max"] = bell(bins, mid + bins / 6.0, bins / 9.0, 90.0 * round);
    h.merged["absmax"] = bell(bins, mid, bins / 7.0, 80.0 * round);
    h.merged_stats["avg"] = Stats{0.0007 * round, 0.04, -0.25, 0.27};
    h.merged_stats["max"] = Stats{0.051, 0.06, -0.2, 0.31};
    h.merged_stats["absmax"] = Stats{-0.0021, 0.07, -0.31, 0.3};
    return h;
}

// Accuracies that move from round to round like the paper's V experiment.
std::shared_ptr<RunResult> make_run(const std::string& split, int rounds, int bins = 4) {
    auto run = std::make_shared<RunResult>();
    run->config.split.kind = split;
    run->config.split.envs = 2;
    run->envs.resize(2);
    for (int r = 1; r <= rounds; ++r) {
        RoundResult round;
        round.round = r;
        round.primary = "avg";
        round.central_test_acc = 0.90 + 0.004 * r;
        for (int k = 0; k < 2; ++k) {
            EnvRoundMetrics env;
            env.val_acc = 0.88 + 0.01 * r + 0.005 * k;
            round.envs.push_back(env);
        }
        const double accs[] = {0.75 + 0.05 * r, 0.20 + 0.09 * r * (r % 2 ? 1 : 2), 0.70 + 0.055 * r};
        for (size_t i = 0; i < kMethods.size(); ++i) {
            MethodMetrics m;
            m.method = kMethods[i];
            m.test_acc = std::min(0.99, accs[i]);
            round.merged.push_back(m);
        }
        round.histograms.push_back(make_histogram("conv1.weight", bins, r, 0));
        round.histograms.push_back(make_histogram("fc2.bias", bins, r, 1));
        run->rounds.push_back(round);
    }
    return run;
}

// Bytes that differ by environment and round (statistics every other
// round), so a sum over the wrong rounds or environments cannot match.
void add_traffic(RunResult& run, int64_t scale = 1) {
    for (RoundResult& r : run.rounds)
        for (size_t k = 0; k < r.envs.size(); ++k) {
            r.envs[k].sent_weight_bytes = scale * (900'000 + 1'000 * r.round + 17 * int64_t(k));
            r.envs[k].sent_statistics_bytes = r.round % 2 ? scale * (660'000 + 3 * int64_t(k)) : 0;
            r.envs[k].received_weight_bytes = scale * (905'000 + 7 * r.round);
        }
}

// Worked out here from the records, not with the app's own sum.
QVector<double> cumulative_bytes(const RunResult& run) {
    QVector<double> sums;
    double total = 0;
    for (const RoundResult& r : run.rounds) {
        for (const EnvRoundMetrics& e : r.envs)
            total += double(e.sent_weight_bytes) + double(e.sent_statistics_bytes) +
                     double(e.received_weight_bytes);
        sums.append(total);
    }
    return sums;
}

QVector<double> percent(const std::vector<double>& fractions) {
    QVector<double> out;
    for (double f : fractions)
        out.append(f * 100.0);
    return out;
}

bool fuzzy_equal(const QVector<double>& a, const QVector<double>& b) {
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i)
        if (std::abs(a[i] - b[i]) > 1e-9)
            return false;
    return true;
}

QVector<double> counts_of(const std::vector<int64_t>& counts) {
    QVector<double> out;
    for (int64_t c : counts)
        out.append(static_cast<double>(c));
    return out;
}

// Lets queued replots run, then paints; fails on an all-blank image.
QImage render(QWidget& widget, const QSize& size, const QString& name) {
    widget.resize(size);
    QCoreApplication::processEvents();
    const QPixmap pixmap = widget.grab();
    const QImage image = pixmap.toImage();
    // MERGELAB_SCREENSHOT_DIR: keep the pictures for a person to look at.
    const QString dir = qEnvironmentVariable("MERGELAB_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        image.save(
            QStringLiteral("%1/charts-%2-%3x%4.png").arg(dir, name).arg(size.width()).arg(size.height()));
    return image;
}

bool has_ink(const QImage& image) {
    const QRgb first = image.pixel(0, 0);
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            if (image.pixel(x, y) != first)
                return true;
    return false;
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT
private slots:
    // English plurals come from mergelab_en.qm: "%n round(s)" reads
    // "1 round" and "3 rounds", never "round(s)".
    void englishPluralsReadAsEnglish() {
        installLanguage("en");
        RunResult run;
        run.stopped = StopReason::MaxRounds;
        run.rounds.resize(1);
        QCOMPARE(stop_summary(run), QStringLiteral("finished all 1 round"));
        run.rounds.resize(3);
        QCOMPARE(stop_summary(run), QStringLiteral("finished all 3 rounds"));
        run.stopped = StopReason::Cancelled;
        QCOMPARE(stop_summary(run), QStringLiteral("stopped by the user after 3 finished rounds"));
    }

    void accuracySeries();
    void accuracyPaperOverlay();
    void paperValuesOnlyForThePapersSetups();
    void accuracyEmptyAndCursor();
    void accuracyHover();
    void trafficAxisSumsTheRecordedBytes();
    void trafficSwitchOnThePage();
    void trafficOfEachLane();
    void oldRunShowsRoundsOnly();
    void histogramCountsAndLayers();
    void histogramEmpty();
    void lossPoints();
    void lossLongRoundIsBinned();
    void renderAll();
};

void TestCharts::accuracySeries() {
    auto run = make_run("V", 3);
    AccuracyChart chart;
    chart.setRun(run);

    for (const std::string& method : kMethods) {
        std::vector<double> expected;
        for (const RoundResult& r : run->rounds)
            expected.push_back(r.method(method)->test_acc);
        QVERIFY2(fuzzy_equal(chart.seriesValues(QString::fromStdString(method)), percent(expected)),
                 method.c_str());
    }
    std::vector<double> env2, central;
    for (const RoundResult& r : run->rounds) {
        env2.push_back(r.envs[1].val_acc);
        central.push_back(*r.central_test_acc);
    }
    QVERIFY(fuzzy_equal(chart.seriesValues("Env 2 local"), percent(env2)));
    QVERIFY(fuzzy_equal(chart.seriesValues("central"), percent(central)));
    QVERIFY(chart.seriesValues("nothing").isEmpty());

    const QStringList names = chart.seriesNames();
    for (const QString& name : QStringList{"Env 1 local", "Env 2 local", "central", "avg", "max", "absmax"})
        QVERIFY2(names.contains(name), qPrintable(name));
    QVERIFY(!names.contains("paper avg")); // the overlay starts hidden

    const QString readout = chart.readout(2);
    QVERIFY(readout.startsWith("Round 2\n"));
    QVERIFY2(
        readout.contains(QStringLiteral("avg %1 %").arg(run->rounds[1].merged[0].test_acc * 100, 0, 'f', 2)),
        qPrintable(readout));
    QVERIFY(readout.contains("Env 1 local"));
    QVERIFY(chart.readout(7).isEmpty());
}

void TestCharts::accuracyPaperOverlay() {
    AccuracyChart chart;
    chart.setPaperOverlay(true);
    QVERIFY(chart.paperOverlay());
    chart.setRun(make_run("V", 3));
    QStringList names = chart.seriesNames();
    for (const QString& name : QStringList{"paper avg", "paper max", "paper absmax"})
        QVERIFY2(names.contains(name), qPrintable(name));
    // Table 1, rounds 1, 2 and 3; its round n lies past this 3-round run,
    // and the axis is the run's.
    QVERIFY(fuzzy_equal(chart.seriesValues("paper avg"), {76.13, 93.00, 93.44}));
    QVERIFY(chart.plot()->xAxis->range().upper < 3.5);
    // With more rounds, round n sits on the run's last round.
    chart.setRun(make_run("V", 6));
    QVERIFY(fuzzy_equal(chart.seriesValues("paper avg"), {76.13, 93.00, 93.44, 93.73}));
    chart.setRun(make_run("V", 3));
    // The model lines are unchanged by the overlay.
    QCOMPARE(chart.seriesValues("avg").size(), 3);

    // Only the methods the run has.
    auto onlyAvg = make_run("H", 2);
    for (RoundResult& r : onlyAvg->rounds)
        r.merged.resize(1);
    chart.setRun(onlyAvg);
    names = chart.seriesNames();
    QVERIFY(names.contains("paper avg"));
    QVERIFY(!names.contains("paper max"));
    QVERIFY(fuzzy_equal(chart.seriesValues("paper avg"), {47.33, 56.40}));

    chart.setRun(make_run("dirichlet", 3));
    for (const QString& name : chart.seriesNames())
        QVERIFY2(!name.startsWith("paper"), qPrintable(name));

    chart.setRun(make_run("V", 3));
    chart.setPaperOverlay(false);
    for (const QString& name : chart.seriesNames())
        QVERIFY2(!name.startsWith("paper"), qPrintable(name));
}

// The paper's tables describe 2 environments on all the
// data; other runs say what differs instead of being overlaid.
void TestCharts::paperValuesOnlyForThePapersSetups() {
    AccuracyChart chart;
    chart.setPaperOverlay(true);
    auto quick = make_run("V", 4);
    quick->config.split.train_fraction = 0.12;
    chart.setRun(quick);
    for (const QString& name : chart.seriesNames())
        QVERIFY2(!name.startsWith("paper"), qPrintable(name));
    QVERIFY2(chart.paperNote().contains("12 %"), qPrintable(chart.paperNote()));
    QVERIFY(chart.plot()->xAxis->range().upper < 4.5);

    auto h3 = make_run("H", 4);
    h3->config.split.envs = 3;
    chart.setRun(h3);
    for (const QString& name : chart.seriesNames())
        QVERIFY2(!name.startsWith("paper"), qPrintable(name));
    QVERIFY2(chart.paperNote().contains("2 environments"), qPrintable(chart.paperNote()));

    chart.setRun(make_run("V", 4));
    QVERIFY(chart.seriesNames().contains("paper avg"));
    QVERIFY(chart.paperNote().isEmpty());
}

void TestCharts::accuracyEmptyAndCursor() {
    AccuracyChart chart;
    chart.setRun(nullptr);
    QVERIFY(chart.seriesNames().isEmpty());
    QVERIFY(has_ink(render(chart, {400, 300}, "accuracy-null")));
    chart.setRound(3);
    chart.setRun(std::make_shared<RunResult>());
    QVERIFY(chart.seriesNames().isEmpty());
    QCOMPARE(chart.plot()->xAxis->label(), QString("Round"));
    QCOMPARE(chart.plot()->yAxis->label(), QString("Accuracy (%)"));

    chart.setRun(make_run("V", 3));
    chart.setRound(0);
    chart.setRound(99); // past the end: drawn at the last round
    chart.setRound(-1);
    QCOMPARE(chart.seriesValues("avg").size(), 3);
}

void TestCharts::accuracyHover() {
    auto run = make_run("V", 4);
    AccuracyChart chart;
    chart.setRun(run);
    render(chart, {800, 500}, "accuracy-hover"); // lays out the axes so pixels map to rounds
    QCustomPlot* plot = chart.plot();
    // A little right of round 3: snaps to round 3.
    const QPointF local(plot->xAxis->coordToPixel(3.2), plot->yAxis->coordToPixel(50));
    QMouseEvent move(QEvent::MouseMove, local, plot->mapToGlobal(local), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(plot, &move);
    const QString tip = QToolTip::text();
    QVERIFY2(tip.startsWith("Round 3\n"), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("max %1 %").arg(run->rounds[2].merged[1].test_acc * 100, 0, 'f', 2)),
             qPrintable(tip));
    QCOMPARE(tip, chart.readout(3));
}

void TestCharts::histogramCountsAndLayers() {
    auto run = make_run("V", 3);
    HistogramView view;
    view.setRun(run);
    QCOMPARE(view.layers(), QStringList({"conv1.weight", "fc2.bias"}));
    QCOMPARE(view.layer(), QString("conv1.weight"));

    // Default: the last round.
    const LayerHistogram& last = run->rounds[2].histograms[0];
    QVERIFY(fuzzy_equal(view.seriesCounts("Env 1"), counts_of(last.envs[0])));
    QVERIFY(fuzzy_equal(view.seriesCounts("avg"), counts_of(last.merged.at("avg"))));

    view.setRound(1);
    view.setLayer("fc2.bias");
    QCOMPARE(view.layer(), QString("fc2.bias"));
    const LayerHistogram& first = run->rounds[0].histograms[1];
    QVERIFY(fuzzy_equal(view.seriesCounts("Env 1"), counts_of(first.envs[0])));
    QVERIFY(fuzzy_equal(view.seriesCounts("Env 2"), counts_of(first.envs[1])));
    QVERIFY(fuzzy_equal(view.seriesCounts("max"), counts_of(first.merged.at("max"))));
    QVERIFY(view.seriesCounts("nothing").isEmpty());

    const QString stats = view.statsText();
    QVERIFY2(stats.contains("Env 1: mean 0.0012"), qPrintable(stats));
    QVERIFY2(stats.contains("avg: mean 0.0007"), qPrintable(stats));
    QVERIFY(stats.contains("std 0.053"));

    // The layer survives a change of round; past the end means the last round.
    view.setRound(42);
    QCOMPARE(view.layer(), QString("fc2.bias"));
    QVERIFY(fuzzy_equal(view.seriesCounts("avg"), counts_of(run->rounds[2].histograms[1].merged.at("avg"))));
    view.setRound(0);
    QVERIFY(fuzzy_equal(view.seriesCounts("Env 2"), counts_of(run->rounds[2].histograms[1].envs[1])));

    // Picking in the combo box redraws too.
    auto* combo = view.findChild<QComboBox*>();
    QVERIFY(combo);
    combo->setCurrentIndex(0);
    QCOMPARE(view.layer(), QString("conv1.weight"));
    QVERIFY(fuzzy_equal(view.seriesCounts("Env 1"), counts_of(last.envs[0])));

    // An unknown layer leaves the current one.
    view.setLayer("fc9.weight");
    QCOMPARE(view.layer(), QString("conv1.weight"));
}

void TestCharts::histogramEmpty() {
    HistogramView view;
    QVERIFY(view.layers().isEmpty());
    QVERIFY(view.statsText().isEmpty());
    view.setRun(nullptr);
    view.setRound(3);
    view.setLayer("conv1.weight");
    QVERIFY(view.seriesCounts("Env 1").isEmpty());
    QVERIFY(has_ink(render(view, {400, 300}, "histogram-null")));

    view.setRun(make_run("V", 2));
    QCOMPARE(view.layers().size(), 2);
    view.setRun(std::make_shared<RunResult>());
    QVERIFY(view.layers().isEmpty());
    QVERIFY(view.statsText().isEmpty());
    QVERIFY(view.plot()->graphCount() == 0);
}

void TestCharts::lossPoints() {
    LossChart chart;
    QCOMPARE(chart.pointCount(), 0);
    chart.startRound(1, 2);
    BatchProgress p;
    p.round = 1;
    for (int env : {0, 0, 0, 1, 1, -1}) {
        p.env = env;
        p.loss = 2.0 / (chart.pointCount() + 1);
        chart.addBatch(p);
    }
    QCOMPARE(chart.pointCount(), 6);
    QCOMPARE(chart.plot()->graphCount(), 3); // Env 1, Env 2, central
    QCOMPARE(chart.plot()->graph(0)->data()->size(), 3);
    QCOMPARE(chart.plot()->graph(0)->name(), QString("Env 1"));
    QCOMPARE(chart.plot()->graph(2)->name(), QString("central"));
    // Each model counts its own batches from 0, so side-by-side
    // environments overlay.
    QCOMPARE(chart.plot()->graph(1)->data()->constBegin()->key, 0.0);
    QCOMPARE((chart.plot()->graph(0)->data()->constEnd() - 1)->key, 2.0);
    QVERIFY(chart.plot()->yAxis->range().upper >= 2.0);

    chart.startRound(2, 2);
    QCOMPARE(chart.pointCount(), 0);
    p.round = 2;
    p.env = 1;
    chart.addBatch(p);
    QCOMPARE(chart.pointCount(), 1);

    // A batch of an unannounced round starts that round.
    p.round = 3;
    chart.addBatch(p);
    QCOMPARE(chart.pointCount(), 1);

    chart.clear();
    QCOMPARE(chart.pointCount(), 0);
    QCOMPARE(chart.plot()->graphCount(), 0);
}

void TestCharts::lossLongRoundIsBinned() {
    LossChart chart;
    chart.startRound(1, 1);
    BatchProgress p;
    p.round = 1;
    p.env = 0;
    const int batches = 1000;
    double sum = 0;
    for (int b = 0; b < batches; ++b) {
        p.loss = 1.0 + (b % 7) * 0.1;
        sum += p.loss;
        chart.addBatch(p);
    }
    QCOMPARE(chart.pointCount(), batches);
    const auto* data = chart.plot()->graph(0)->data().data();
    // 1,000 batches, bins doubled twice: 4 batches a point, 250 points.
    QVERIFY(data->size() <= LossChart::kMaxPoints);
    QCOMPARE(data->size(), batches / 4);
    QCOMPARE(data->constBegin()->key, 1.5); // the middle of batches 0-3
    QCOMPARE((data->constEnd() - 1)->key, 997.5);
    // Each point is the mean of its batches, so the points' mean is the batches' mean.
    double drawn = 0;
    for (auto it = data->constBegin(); it != data->constEnd(); ++it)
        drawn += it->value;
    QVERIFY(std::abs(drawn / data->size() - sum / batches) < 1e-9);
}

void TestCharts::renderAll() {
    auto run = make_run("V", 6, 48);
    AccuracyChart accuracy;
    accuracy.setPaperOverlay(true);
    accuracy.setRun(run);
    accuracy.setRound(3);
    HistogramView histogram;
    histogram.setRun(run);
    histogram.setRound(3);
    LossChart loss;
    loss.startRound(3, 2);
    BatchProgress p;
    p.round = 3;
    for (int env : {0, 1, -1}) {
        for (int b = 0; b < 150; ++b) {
            p.env = env;
            p.loss = 0.25 + 2.0 * std::exp(-b / 30.0) + 0.08 * std::sin(b * 1.7 + env);
            loss.addBatch(p);
        }
    }
    QCOMPARE(loss.pointCount(), 450);

    for (const QSize& size : {QSize(800, 500), QSize(500, 300)}) {
        QVERIFY(has_ink(render(accuracy, size, "accuracy")));
        QVERIFY(has_ink(render(histogram, size, "histogram")));
        QVERIFY(has_ink(render(loss, size, "loss")));
    }

    auto dirichlet = make_run("dirichlet", 12, 64);
    accuracy.setRun(dirichlet);
    QVERIFY(has_ink(render(accuracy, {800, 500}, "accuracy-dirichlet")));
    LossChart empty;
    QVERIFY(has_ink(render(empty, {500, 300}, "loss-empty")));
}

void TestCharts::trafficAxisSumsTheRecordedBytes() {
    auto run = make_run("V", 4);
    add_traffic(*run);
    AccuracyChart chart;
    chart.setRun(run);
    QVERIFY(chart.trafficUnavailable().isEmpty());
    QCOMPARE(chart.seriesKeys("avg"), (QVector<double>{1, 2, 3, 4}));
    QCOMPARE(chart.xAxisTitle(), QStringLiteral("Round"));

    chart.setXAxis(AccuracyChart::XAxis::Traffic);
    QVERIFY(chart.trafficShown());
    const QVector<double> expected = cumulative_bytes(*run);
    QVERIFY(expected.back() > 4 * 2 * 1.8e6);
    for (const std::string& method : kMethods) {
        // Compared methods merged the same local models: the run's traffic.
        const QString name = QString::fromStdString(method);
        QCOMPARE(chart.seriesKeys(name), expected);
        std::vector<double> accs;
        for (const RoundResult& r : run->rounds)
            accs.push_back(r.method(method)->test_acc);
        QVERIFY(fuzzy_equal(chart.seriesValues(name), percent(accs)));
    }
    // The local models sent nothing of their own and the baseline sent no weights.
    QVERIFY(!chart.seriesNames().contains("Env 1 local"));
    QVERIFY(!chart.seriesNames().contains("central"));
    QVERIFY2(chart.xAxisTitle().contains("Cumulative traffic") && chart.xAxisTitle().contains("(MB)"),
             qPrintable(chart.xAxisTitle()));
    QVERIFY2(chart.noteText().contains("this run's traffic") && chart.noteText().contains("avg"),
             qPrintable(chart.noteText()));
    QVERIFY(chart.paperNote().isEmpty());
    // Ticks read in MB, not in bytes.
    chart.resize(800, 500);
    chart.plot()->replot();
    for (const QString& tick : chart.plot()->xAxis->tickVectorLabels())
        QVERIFY2(tick.size() <= 4, qPrintable(tick));
    const QString readout = chart.readout(3);
    QVERIFY2(readout.contains(QStringLiteral("after %1").arg(format_bytes(expected[2]))),
             qPrintable(readout));
    // Above 10 of a unit, to a tenth; below, to a hundredth.
    QCOMPARE(format_bytes(expected[2]), QStringLiteral("%1 MB").arg(expected[2] / 1e6, 0, 'f', 1));
    QCOMPARE(format_bytes(900'000), QStringLiteral("0.90 MB"));
    QCOMPARE(format_bytes(400), QStringLiteral("400 B"));

    // A calibration that is only evaluated (copy=0) sends its plain merge
    // back; with copy=1 the calibrated one.
    for (RoundResult& r : run->rounds)
        r.primary = "avg@ccvr";
    chart.setRun(run);
    QVERIFY2(chart.noteText().contains("only avg's merged model"), qPrintable(chart.noteText()));
    for (RoundResult& r : run->rounds)
        r.primary = "avg@ccvr:copy=1";
    chart.setRun(run);
    QVERIFY2(chart.noteText().contains("only avg@ccvr:copy=1's merged model"), qPrintable(chart.noteText()));

    chart.setXAxis(AccuracyChart::XAxis::Rounds);
    QCOMPARE(chart.seriesKeys("avg"), (QVector<double>{1, 2, 3, 4}));
    QVERIFY(chart.seriesNames().contains("Env 1 local"));
    QCOMPARE(chart.xAxisTitle(), QStringLiteral("Round"));
}

void TestCharts::trafficSwitchOnThePage() {
    RunResult run = *make_run("H", 3);
    add_traffic(run);
    RunModel model;
    AccuracyPage page;
    page.setRunModel(&model);
    // Before a run there is nothing to count.
    QVERIFY(!page.trafficButton()->isEnabled());
    model.load({run}, QStringLiteral("/runs/h"));
    QVERIFY(page.trafficButton()->isEnabled());
    QVERIFY(page.trafficReason().isEmpty());
    QVERIFY(page.roundsButton()->isChecked());
    const QVector<double> rounds = page.chart()->seriesKeys("max");
    page.trafficButton()->click();
    QVERIFY(page.trafficAxisAction()->isChecked());
    QVERIFY(page.trafficButton()->isChecked());
    QCOMPARE(page.chart()->seriesKeys("max"), cumulative_bytes(run));
    QVERIFY(page.chart()->seriesKeys("max") != rounds);
    // The cursor follows the scrubbed round to its traffic.
    model.selectRound(2);
    const auto* cursor = page.chart()->plot()->findChild<QCPItemStraightLine*>();
    QVERIFY(cursor && cursor->visible());
    QCOMPARE(cursor->point1->coords().x(), cumulative_bytes(run)[1]);
    page.roundsButton()->click();
    QVERIFY(!page.trafficAxisAction()->isChecked());
    QCOMPARE(page.chart()->seriesKeys("max"), rounds);
}

void TestCharts::trafficOfEachLane() {
    // Two lanes, each its own run: the second sends three times the bytes.
    std::vector<RunResult> lanes;
    for (const std::string lane : {"avg", "avg@ccvr"}) {
        RunResult run = *make_run("H", 3);
        // As the engine writes each lane: a run of its one strategy.
        run.config.mode = Mode::Compare;
        run.config.lanes = {"avg", "avg@ccvr"};
        run.config.method = lane;
        run.lane = lane;
        for (RoundResult& r : run.rounds) {
            r.primary = lane;
            r.merged.resize(1);
            r.merged[0].method = lane;
        }
        add_traffic(run, lanes.empty() ? 1 : 3);
        lanes.push_back(run);
    }
    RunModel model;
    AccuracyPage page;
    page.setRunModel(&model);
    model.load(lanes, QStringLiteral("/runs/lanes"));
    page.trafficButton()->click();
    QVERIFY(page.chart()->trafficShown());
    QCOMPARE(page.chart()->seriesKeys("lane avg"), cumulative_bytes(lanes[0]));
    QCOMPARE(page.chart()->seriesKeys("lane avg@ccvr"), cumulative_bytes(lanes[1]));
    QVERIFY2(page.chart()->noteText().contains("its own traffic"), qPrintable(page.chart()->noteText()));
    // Showing the other lane changes whose environments are local, not the lanes' traffic.
    model.selectLane(1);
    QCOMPARE(page.chart()->seriesKeys("lane avg"), cumulative_bytes(lanes[0]));
    QCOMPARE(page.chart()->seriesKeys("lane avg@ccvr"), cumulative_bytes(lanes[1]));
}

void TestCharts::oldRunShowsRoundsOnly() {
    // A run.json written before the bytes were counted: no "bytes" at all.
    RunResult counted = *make_run("V", 3);
    counted.class_names = std::vector<std::string>(10, "c");
    counted.config.classes = 10;
    add_traffic(counted);
    QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(run_to_json(counted)));
    QJsonObject root = doc.object();
    QJsonArray rounds = root.value("rounds").toArray();
    int stripped = 0;
    for (int i = 0; i < rounds.size(); ++i) {
        QJsonObject r = rounds[i].toObject();
        QJsonArray envs = r.value("envs").toArray();
        for (int k = 0; k < envs.size(); ++k) {
            QJsonObject e = envs[k].toObject();
            stripped += e.contains("bytes") ? 1 : 0;
            e.remove("bytes");
            envs[k] = e;
        }
        r["envs"] = envs;
        rounds[i] = r;
    }
    root["rounds"] = rounds;
    QCOMPARE(stripped, 6);
    const RunResult old = run_from_json(QJsonDocument(root).toJson().toStdString(), "old/run.json");
    QCOMPARE(old.rounds.size(), size_t(3));

    RunModel model;
    AccuracyPage page;
    page.setRunModel(&model);
    // Asked for traffic, by an earlier run or the remembered setting.
    page.trafficAxisAction()->setChecked(true);
    model.load({old}, QStringLiteral("/runs/old"));
    QVERIFY(!page.trafficButton()->isEnabled());
    QVERIFY(!page.trafficAxisAction()->isEnabled());
    QVERIFY(page.roundsButton()->isChecked());
    QVERIFY2(page.trafficReason().contains("before MergeLab counted"), qPrintable(page.trafficReason()));
    QVERIFY(!page.chart()->trafficShown());
    QCOMPARE(page.chart()->seriesKeys("avg"), (QVector<double>{1, 2, 3}));
    QCOMPARE(page.chart()->xAxisTitle(), QStringLiteral("Round"));

    // The same run with its bytes: the remembered choice applies.
    model.load({counted}, QStringLiteral("/runs/new"));
    QVERIFY(page.trafficButton()->isEnabled());
    QVERIFY(page.trafficButton()->isChecked());
    QVERIFY(page.trafficReason().isEmpty());
    QCOMPARE(page.chart()->seriesKeys("avg"), cumulative_bytes(counted));
}

MERGELAB_TEST_WIDGETS(test_charts, TestCharts)
} // namespace test_charts

#include "test_charts.moc"
