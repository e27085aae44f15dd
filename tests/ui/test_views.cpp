// The confusion, flow and samples views: what they show for a hand-made run,
// and that painting works at laptop and small-window sizes.
#include <QtTest>

#include <QDir>
#include <QImage>
#include <QSet>

#include <memory>
#include <random>

#include "confusion_view.h"
#include "flow_view.h"
#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "run_model.h"
#include "samples_view.h"
#include "support/synthetic.h"
#include "support/test_main.h"
#include "ui_fixture.h"

namespace test_views {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

ConfusionMatrix confusion_of(const std::vector<uint8_t>& labels, const std::vector<uint8_t>& predictions) {
    ConfusionMatrix m = empty_confusion(kFashionClasses);
    for (size_t i = 0; i < labels.size(); ++i)
        ++m[labels[i]][predictions[i]];
    return m;
}

// Wrong (label + 1) for every image whose index is a multiple of `every`.
std::vector<uint8_t> predictions_wrong_every(const Dataset& test, int every) {
    std::vector<uint8_t> out(test.labels);
    for (size_t i = 0; i < out.size(); i += static_cast<size_t>(every))
        out[i] = static_cast<uint8_t>((out[i] + 1) % 10);
    return out;
}

int count_wrong(const Dataset& test, const std::vector<uint8_t>& predictions) {
    int wrong = 0;
    for (size_t i = 0; i < predictions.size(); ++i)
        wrong += predictions[i] != test.labels[i] ? 1 : 0;
    return wrong;
}

// A local model that only knows its own classes: images of other classes are
// answered with one of its own.
std::vector<uint8_t> local_predictions(const Dataset& test, const std::vector<int>& classes) {
    std::vector<uint8_t> out(test.labels);
    for (auto& p : out) {
        if (std::find(classes.begin(), classes.end(), p) == classes.end())
            p = static_cast<uint8_t>(classes[p % classes.size()]);
    }
    return out;
}

std::vector<std::vector<int>> h_classes(int envs) {
    std::vector<std::vector<int>> out(static_cast<size_t>(envs));
    for (int c = 0; c < kFashionClasses; ++c)
        out[static_cast<size_t>(c * envs / kFashionClasses)].push_back(c);
    return out;
}

// `envs` environments, H (class-disjoint, contiguous) or V (all classes),
// `rounds` rounds of avg/max/absmax; method m in round r is wrong on every
// (2 + m + r)-th test image.
std::shared_ptr<RunResult> make_run(const Dataset& test, const std::string& kind, int envs, int rounds) {
    auto run = std::make_shared<RunResult>();
    run->config.split.kind = kind;
    run->config.split.envs = envs;
    run->config.compare = {"avg", "max", "absmax"};
    const auto groups = h_classes(envs);
    for (int k = 0; k < envs; ++k) {
        EnvironmentSummary e;
        if (kind == "H")
            e.classes = groups[static_cast<size_t>(k)];
        else
            for (int c = 0; c < kFashionClasses; ++c)
                e.classes.push_back(c);
        e.train_size = 54000 / envs;
        e.val_size = 6000 / envs;
        run->envs.push_back(e);
    }
    const std::vector<std::string> methods = {"avg", "max", "absmax"};
    for (int r = 1; r <= rounds; ++r) {
        RoundResult round;
        round.round = r;
        round.primary = "avg";
        for (int k = 0; k < envs; ++k) {
            EnvRoundMetrics e;
            e.test_confusion =
                confusion_of(test.labels, local_predictions(test, run->envs[static_cast<size_t>(k)].classes));
            // Make each round's matrices differ so a wrong round is caught.
            e.test_confusion[0][0] += r;
            round.envs.push_back(e);
        }
        for (size_t m = 0; m < methods.size(); ++m) {
            MethodMetrics mm;
            mm.method = methods[m];
            mm.predictions = predictions_wrong_every(test, 2 + static_cast<int>(m) + r);
            mm.confusion = confusion_of(test.labels, mm.predictions);
            mm.test_acc = 1.0 - static_cast<double>(count_wrong(test, mm.predictions)) /
                                    static_cast<double>(test.size());
            round.merged.push_back(mm);
        }
        run->rounds.push_back(round);
    }
    return run;
}

std::shared_ptr<FashionMnist> make_data(int test_per_class) {
    auto data = std::make_shared<FashionMnist>();
    data->train = testing::make_synthetic_dataset(3, 5);
    data->test = testing::make_synthetic_dataset(test_per_class, 6);
    return data;
}

// A grab that painted something: more than a couple of distinct colours.
bool painted(QWidget& w, QSize size) {
    w.resize(size);
    const QImage img = w.grab().toImage();
    if (img.isNull() || img.width() < size.width() / 2)
        return false;
    QSet<QRgb> colors;
    for (int y = 0; y < img.height(); y += 7)
        for (int x = 0; x < img.width(); x += 7)
            colors.insert(img.pixel(x, y));
    return colors.size() > 3;
}

// Plausible predictions for screenshots: Fashion-MNIST's usual confusions
// (shirt vs T-shirt, pullover vs coat, sneaker vs boot).
std::vector<uint8_t> realistic_predictions(const Dataset& test, double accuracy, uint64_t seed,
                                           const std::vector<int>& known = {}) {
    static const int similar[10][3] = {{6, 3, 2}, {3, 0, 6}, {4, 6, 0}, {1, 6, 4}, {2, 6, 3},
                                       {7, 9, 8}, {0, 2, 4}, {9, 5, 8}, {6, 0, 5}, {7, 5, 8}};
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<uint8_t> out(test.labels.size());
    for (size_t i = 0; i < out.size(); ++i) {
        const int y = test.labels[i];
        const bool isKnown = known.empty() || std::find(known.begin(), known.end(), y) != known.end();
        int p = y;
        if (!isKnown || u(rng) > accuracy) {
            p = similar[y][static_cast<int>(u(rng) * 3) % 3];
            if (!known.empty() && std::find(known.begin(), known.end(), p) == known.end())
                p = known[static_cast<size_t>(u(rng) * static_cast<double>(known.size())) % known.size()];
        }
        out[i] = static_cast<uint8_t>(p);
    }
    return out;
}

std::shared_ptr<RunResult> realistic_run(const Dataset& test, const std::string& kind, int envs, int rounds) {
    auto run = make_run(test, kind, envs, rounds);
    run->config.baseline = true;
    for (auto& round : run->rounds) {
        for (size_t k = 0; k < round.envs.size(); ++k) {
            const auto& classes = run->envs[k].classes;
            const auto pred =
                realistic_predictions(test, kind == "H" ? 0.93 : 0.85, 100 + k + round.round * 7,
                                      kind == "H" ? classes : std::vector<int>{});
            round.envs[k].test_confusion = confusion_of(test.labels, pred);
        }
        double acc = kind == "H" ? 0.55 : 0.84;
        for (auto& m : round.merged) {
            m.predictions = realistic_predictions(test, acc + 0.01 * round.round, 7 + round.round, {});
            m.confusion = confusion_of(test.labels, m.predictions);
            acc -= 0.06;
        }
    }
    return run;
}

} // namespace

class TestViews : public QObject {
    Q_OBJECT
private slots:
    void confusionShowsChosenRoundAndMethod();
    void confusionListsSources();
    void confusionMarksUnseenClasses();
    void confusionEmptyStates();
    void samplesCountsMistakes();
    void samplesMissingPredictionsOrData();
    void flowCaptions();
    void flowArrowsCarryTheRoundsBytes();
    void rendersAtSeveralSizes();
    void screenshots();
};

void TestViews::confusionShowsChosenRoundAndMethod() {
    const auto data = make_data(10);
    const auto run = make_run(data->test, "H", 2, 3);
    ConfusionView view;
    view.setRun(run);
    view.setRound(2);
    view.setSource("max");
    QCOMPARE(view.source(), QString("max"));
    QVERIFY(view.shownMatrix() == run->rounds[1].method("max")->confusion);
    QVERIFY(view.caption().startsWith("max, round 2: "));
    QVERIFY(view.caption().contains("of 100 test images correct"));

    view.setRound(0);
    QVERIFY(view.shownMatrix() == run->rounds[2].method("max")->confusion);
    view.setRound(42);
    QVERIFY(view.shownMatrix() == run->rounds[2].method("max")->confusion);
    view.setRound(1);
    view.setSource("absmax");
    QVERIFY(view.shownMatrix() == run->rounds[0].method("absmax")->confusion);
    QVERIFY(view.unseenClasses().isEmpty());
}

void TestViews::confusionListsSources() {
    const auto data = make_data(5);
    const auto run = make_run(data->test, "H", 2, 1);
    ConfusionView view;
    view.setRun(run);
    QCOMPARE(view.sources(), QStringList({"avg", "max", "absmax", "env:0", "env:1"}));
    view.setSource("env:1");
    QCOMPARE(view.source(), QString("env:1"));
    // Another run brings its own environments.
    view.setRun(make_run(data->test, "V", 3, 1));
    QCOMPARE(view.sources(), QStringList({"avg", "max", "absmax", "env:0", "env:1", "env:2"}));
}

void TestViews::confusionMarksUnseenClasses() {
    const auto data = make_data(10);
    const auto run = make_run(data->test, "H", 2, 3);
    ConfusionView view;
    view.setRun(run);
    view.setRound(2);
    view.setSource("env:1");
    QVERIFY(view.shownMatrix() == run->rounds[1].envs[1].test_confusion);
    QCOMPARE(view.unseenClasses(), QList<int>({0, 1, 2, 3, 4}));
    QVERIFY(view.caption().startsWith("Env 2 (local model), round 2"));
    view.setSource("env:0");
    QCOMPARE(view.unseenClasses(), QList<int>({5, 6, 7, 8, 9}));
    view.setSource("avg");
    QVERIFY(view.unseenClasses().isEmpty());

    // V split: every environment saw every class.
    const auto v = make_run(data->test, "V", 4, 1);
    view.setRun(v);
    view.setSource("env:3");
    QVERIFY(view.shownMatrix() == v->rounds[0].envs[3].test_confusion);
    QVERIFY(view.unseenClasses().isEmpty());
}

void TestViews::confusionEmptyStates() {
    ConfusionView view;
    QVERIFY(view.sources().isEmpty());
    QVERIFY(view.shownMatrix() == ConfusionMatrix{});
    QVERIFY(view.caption().contains("No run"));
    QVERIFY(painted(view, {700, 450}));

    // A run still in its first round: the selector is ready, the matrix is not.
    const auto data = make_data(5);
    auto run = make_run(data->test, "H", 2, 1);
    run->rounds.clear();
    view.setRun(run);
    QCOMPARE(view.sources(), QStringList({"avg", "max", "absmax", "env:0", "env:1"}));
    QVERIFY(view.shownMatrix() == ConfusionMatrix{});
    QVERIFY(painted(view, {700, 450}));
}

void TestViews::samplesCountsMistakes() {
    const auto data = make_data(20); // 200 test images
    const auto run = make_run(data->test, "H", 2, 3);
    SamplesView view;
    view.setData(data);
    view.setRun(run);
    QCOMPARE(view.methods(), QStringList({"avg", "max", "absmax"}));

    view.setRound(1);
    view.setMethod("avg"); // wrong on every 3rd image: 67 mistakes
    const int expected = count_wrong(data->test, run->rounds[0].method("avg")->predictions);
    QCOMPARE(expected, 67);
    QCOMPARE(view.mistakeCount(), expected);
    QCOMPARE(view.shownCount(), 60);
    QVERIFY(view.headerText().contains("avg, round 1: 67 of 200 test images wrong (showing 60)"));

    // Fewer than 60 mistakes: all of them shown. absmax in round 3 is wrong
    // on every 7th image.
    const auto few = make_data(4); // 40 test images
    const auto run2 = make_run(few->test, "V", 2, 3);
    view.setData(few);
    view.setRun(run2);
    view.setRound(0);
    view.setMethod("absmax");
    const int expected2 = count_wrong(few->test, run2->rounds[2].method("absmax")->predictions);
    QCOMPARE(view.mistakeCount(), expected2);
    QCOMPARE(view.shownCount(), std::min(60, expected2));
    QVERIFY(expected2 > 0 && expected2 < 60);
}

void TestViews::samplesMissingPredictionsOrData() {
    const auto data = make_data(10);
    auto run = make_run(data->test, "H", 2, 2);
    for (auto& round : run->rounds)
        for (auto& m : round.merged)
            m.predictions.clear();
    SamplesView view;
    view.setRun(run);
    view.setData(data);
    QCOMPARE(view.mistakeCount(), 0);
    QCOMPARE(view.shownCount(), 0);
    QVERIFY(!view.headerText().isEmpty());
    QVERIFY(painted(view, {700, 450}));

    // Predictions but no data set.
    const auto full = make_run(data->test, "H", 2, 2);
    view.setRun(full);
    view.setData(nullptr);
    QCOMPARE(view.shownCount(), 0);
    QVERIFY(painted(view, {700, 450}));

    // A test set that does not match the predictions.
    view.setData(make_data(3));
    QCOMPARE(view.shownCount(), 0);

    SamplesView empty;
    QCOMPARE(empty.shownCount(), 0);
    QVERIFY(painted(empty, {700, 450}));
}

void TestViews::flowCaptions() {
    const auto data = make_data(10);
    const auto run = make_run(data->test, "H", 2, 3);
    FlowView view;
    QVERIFY(!view.caption().isEmpty());
    view.setData(data);
    // A calibration step sends feature statistics beside the weights, and
    // the idle caption says so; a plain merge shares the weights alone.
    view.setEnvironments(run->envs, "avg@ccvr");
    QVERIFY2(view.caption().contains("statistics"), qPrintable(view.caption()));
    view.setEnvironments(run->envs, "avg");
    QVERIFY2(!view.caption().contains("statistics"), qPrintable(view.caption()));

    PhaseChanged training;
    training.round = 2;
    training.phase = Phase::Training;
    training.env = 1;
    view.setPhase(training);
    QVERIFY2(view.caption().contains("Round 2"), qPrintable(view.caption()));
    QVERIFY2(view.caption().contains("Env 2"), qPrintable(view.caption()));
    QVERIFY2(view.caption().contains("classes 5-9"), qPrintable(view.caption()));

    PhaseChanged merging;
    merging.round = 2;
    merging.phase = Phase::Merging;
    merging.method = "max";
    view.setPhase(merging);
    QVERIFY2(view.caption().contains("max"), qPrintable(view.caption()));
    QVERIFY(view.caption().contains("Round 2"));

    PhaseChanged evaluating = merging;
    evaluating.phase = Phase::Evaluating;
    evaluating.method = "absmax";
    view.setPhase(evaluating);
    QVERIFY(view.caption().contains("absmax"));
    QVERIFY(view.caption().contains("100 test images"));

    for (Phase phase : {Phase::Baseline, Phase::CopyingBack, Phase::Saving}) {
        PhaseChanged other;
        other.round = 3;
        other.phase = phase;
        view.setPhase(other);
        QVERIFY(view.caption().contains("Round 3"));
    }

    view.setIdle("Finished after 3 rounds");
    QCOMPARE(view.caption(), QString("Finished after 3 rounds"));
}

// What the Flow view paints, every text item joined by line breaks.
QString flow_texts(FlowView& view) {
    QStringList texts;
    for (const testing::PaintedText& t : testing::painted_texts(&view))
        texts << t.text;
    return texts.join('\n');
}

void TestViews::flowArrowsCarryTheRoundsBytes() {
    const auto data = make_data(10);
    auto run = make_run(data->test, "V", 2, 3);
    // Each round its own amounts; statistics only in round 2.
    for (RoundResult& r : run->rounds)
        for (EnvRoundMetrics& e : r.envs) {
            e.sent_weight_bytes = 880'000 + 10'000 * r.round;
            e.sent_statistics_bytes = r.round == 2 ? 660'000 : 0;
            e.received_weight_bytes = 900'000 + 20'000 * r.round;
        }
    RunModel model;
    FlowView view;
    view.setRunModel(&model);
    model.load({*run}, QStringLiteral("/runs/v"));
    view.resize(1600, 900);

    model.selectRound(2);
    QString texts = flow_texts(view);
    // Both environments, up and down, each payload with its bytes (a word
    // may go under its figure).
    QCOMPARE(texts.count(QStringLiteral("↑ 0.90 MB")), 2);
    QCOMPARE(texts.count(QStringLiteral("weights")), 2);
    QCOMPARE(texts.count(QStringLiteral("+ 0.66 MB")), 2);
    QCOMPARE(texts.count(QStringLiteral("statistics")), 2);
    QCOMPARE(texts.count(QStringLiteral("↓ 0.94 MB")), 2);
    QCOMPARE(texts.count(QStringLiteral("merged model")), 2);

    model.selectRound(3);
    texts = flow_texts(view);
    QCOMPARE(texts.count(QStringLiteral("↑ 0.91 MB")), 2);
    QCOMPARE(texts.count(QStringLiteral("↓ 0.96 MB")), 2);
    QVERIFY2(!texts.contains("statistics") && !texts.contains("0.90 MB"), qPrintable(texts));

    // Where the full text does not fit, the total still does.
    model.selectRound(2);
    view.resize(820, 520);
    texts = flow_texts(view);
    QVERIFY2(texts.contains(QStringLiteral("↑ 0.90 MB")) || texts.contains(QStringLiteral("↑ 1.56 MB")),
             qPrintable(texts));
    QVERIFY2(texts.contains(QStringLiteral("↓ 0.94 MB")), qPrintable(texts));

    // A run saved before the bytes were counted: the arrows as they were.
    for (RoundResult& r : run->rounds)
        for (EnvRoundMetrics& e : r.envs)
            e = EnvRoundMetrics{};
    model.load({*run}, QStringLiteral("/runs/old"));
    view.resize(1600, 900);
    texts = flow_texts(view);
    QVERIFY2(!texts.contains(QStringLiteral(" MB")), qPrintable(texts));
    QCOMPARE(texts.count(QStringLiteral("weights")), 2);
    QCOMPARE(texts.count(QStringLiteral("merged model")), 2);
}

void TestViews::rendersAtSeveralSizes() {
    const auto data = make_data(10);
    const std::vector<QSize> sizes = {{1366, 768}, {700, 450}};
    for (const auto& [kind, envs] :
         std::vector<std::pair<std::string, int>>{{"H", 2}, {"V", 4}, {"H", 5}, {"V", 10}}) {
        const auto run = make_run(data->test, kind, envs, 2);

        ConfusionView confusion;
        confusion.setRun(run);
        SamplesView samples;
        samples.setRun(run);
        samples.setData(data);
        FlowView flow;
        flow.setData(data);
        flow.setEnvironments(run->envs, "avg");
        flow.setBaseline(envs % 2 == 0);
        for (const QSize& size : sizes) {
            for (const QString& source : confusion.sources()) {
                confusion.setSource(source);
                QVERIFY(painted(confusion, size));
            }
            QVERIFY(painted(samples, size));
            for (Phase phase : {Phase::Training, Phase::Baseline, Phase::Merging, Phase::Evaluating,
                                Phase::CopyingBack, Phase::Saving}) {
                PhaseChanged change;
                change.round = 2;
                change.phase = phase;
                change.env = phase == Phase::Training ? envs - 1 : -1;
                change.method = "max";
                flow.setPhase(change);
                QVERIFY(painted(flow, size));
            }
            flow.setIdle("Idle");
            QVERIFY(painted(flow, size));
        }
    }
    FlowView empty;
    QVERIFY(painted(empty, {700, 450}));
}

// Writes PNGs of every view with realistic data, to look at by eye:
// MERGELAB_SCREENSHOT_DIR=/tmp/shots ./test_views screenshots
void TestViews::screenshots() {
    const QString dir = qEnvironmentVariable("MERGELAB_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set MERGELAB_SCREENSHOT_DIR to write screenshots");
    QDir().mkpath(dir);
    std::shared_ptr<FashionMnist> data;
    try {
        data = std::make_shared<FashionMnist>(load_fashion_mnist(resolve_data_dir()));
    } catch (const std::exception&) {
        data = make_data(1000);
    }
    const std::vector<QSize> sizes = {{1366, 768}, {700, 450}, {2560, 1440}};
    auto save = [&](QWidget& w, const QString& name, QSize size) {
        w.resize(size);
        QVERIFY(w.grab().save(
            QStringLiteral("%1/views-%2-%3x%4.png").arg(dir, name).arg(size.width()).arg(size.height())));
    };
    {
        // Empty states: nothing loaded, and a run without per-image predictions.
        ConfusionView confusion;
        save(confusion, "confusion-empty", {700, 450});
        FlowView flow;
        save(flow, "flow-empty", {700, 450});
        auto old = realistic_run(data->test, "H", 2, 1);
        for (auto& m : old->rounds[0].merged)
            m.predictions.clear();
        SamplesView samples;
        samples.setRun(old);
        samples.setData(data);
        save(samples, "samples-nopredictions", {700, 450});
    }
    for (const auto& [kind, envs] : std::vector<std::pair<std::string, int>>{{"H", 2}, {"V", 4}, {"H", 8}}) {
        const auto run = realistic_run(data->test, kind, envs, 3);
        for (int k = 0; k < envs; ++k) {
            run->envs[static_cast<size_t>(k)].train_size = 54000 / envs;
            run->envs[static_cast<size_t>(k)].val_size = 6000 / envs;
        }
        const QString tag = QStringLiteral("%1%2").arg(QString::fromStdString(kind)).arg(envs);
        for (const QSize& size : sizes) {
            ConfusionView confusion;
            confusion.setRun(run);
            confusion.setRound(3);
            confusion.setSource("avg");
            save(confusion, "confusion-" + tag + "-avg", size);
            confusion.setSource("env:1");
            save(confusion, "confusion-" + tag + "-env1", size);

            SamplesView samples;
            samples.setRun(run);
            samples.setData(data);
            samples.setMethod("max");
            save(samples, "samples-" + tag, size);

            FlowView flow;
            flow.setData(data);
            flow.setEnvironments(run->envs, "avg");
            flow.setBaseline(true);
            PhaseChanged phase;
            phase.round = 2;
            phase.phase = Phase::Training;
            phase.env = 1;
            flow.setPhase(phase);
            save(flow, "flow-" + tag + "-training", size);
            phase.phase = Phase::Merging;
            phase.env = -1;
            phase.method = "avg";
            flow.setPhase(phase);
            save(flow, "flow-" + tag + "-merging", size);
            phase.phase = Phase::CopyingBack;
            flow.setPhase(phase);
            save(flow, "flow-" + tag + "-copying", size);
            phase.phase = Phase::Baseline;
            flow.setPhase(phase);
            save(flow, "flow-" + tag + "-baseline", size);
        }
    }
}

MERGELAB_TEST_WIDGETS(test_views, TestViews)
} // namespace test_views

#include "test_views.moc"
