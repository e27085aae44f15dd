// The Flow view teaches merging: every phase stays on screen long enough
// to read, live and replayed; and how many images of each class every
// environment holds is drawn before Start and in Flow.
#include <QtTest>

#include <QElapsedTimer>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>

#include <numeric>

#include "class_counts.h"
#include "experiment_runner.h"
#include "flow_geometry.h"
#include "flow_view.h"
#include "main_window.h"
#include "phase_player.h"
#include "run_model.h"
#include "setup_panel.h"
#include "support/synthetic.h"
#include "support/test_main.h"
#include "ui_fixture.h"

namespace test_flow_phases {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

PhaseChanged phase(int round, Phase which, int env = -1, const std::string& method = {}) {
    PhaseChanged p;
    p.round = round;
    p.phase = which;
    p.env = env;
    p.method = method;
    return p;
}

RunResult finished_run() {
    RunResult run;
    run.config.split.envs = 2;
    run.envs.resize(2);
    run.stopped = StopReason::MaxRounds;
    RoundResult r;
    r.round = 1;
    r.primary = "avg";
    r.envs.resize(2);
    for (const char* m : {"avg", "max"}) {
        MethodMetrics metrics;
        metrics.method = m;
        r.merged.push_back(metrics);
    }
    run.rounds.push_back(r);
    return run;
}

} // namespace

class TestFlowPhases : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    // The Merge circle breaks a long strategy before its rule and its step.
    void strategyNamesBreakBeforeRuleAndStep() {
        QCOMPARE(strategyLines("(avg+vimages@ccvr:copy=1)"),
                 QStringList({"(avg", "+vimages", "@ccvr:copy=1)"}));
        QCOMPARE(strategyLines("(avg)"), QStringList({"(avg)"}));
        QCOMPARE(strategyLines("+x"), QStringList({"+x"}));
    }

    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        testing::SyntheticSpec spec;
        spec.train_per_class = 60;
        testing::write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), spec);
    }

    // The engine reports merging, testing and copying
    // back within milliseconds; each still gets its time on screen.
    void everyPhaseStaysOnScreen() {
        RunModel model;
        FlowView flow;
        flow.setRunModel(&model);
        flow.resize(900, 600);
        flow.show();
        model.startLive(ExperimentConfig{});
        RunStarted started;
        started.envs.resize(2);
        model.addLane(started);
        QStringList captions;
        QList<qint64> at;
        QElapsedTimer clock;
        clock.start();
        connect(&flow, &FlowView::captionChanged, this, [&](const QString& c) {
            captions << c;
            at << clock.elapsed();
        });
        // A round's tail, as fast as the engine sends it.
        for (const PhaseChanged& p :
             {phase(1, Phase::Merging, -1, "avg"), phase(1, Phase::Evaluating, -1, "avg"),
              phase(1, Phase::CopyingBack, -1, "avg"), phase(1, Phase::Saving), phase(2, Phase::Training, 0)})
            model.relayPhase(p);
        QTRY_COMPARE_WITH_TIMEOUT(captions.size(), 5, 15000);
        QVERIFY2(captions[0].contains("merging weights"), qPrintable(captions[0]));
        QVERIFY2(captions[2].contains("copying the merged model"), qPrintable(captions[2]));
        QVERIFY(captions[4].contains("Round 2"));
        for (int i = 1; i < at.size(); ++i)
            QVERIFY2(at[i] - at[i - 1] >= PhasePlayer::kPhaseMs - 100,
                     qPrintable(QString::number(at[i] - at[i - 1])));
    }

    // An opened run replays a round's phases.
    void openedRunReplaysARound() {
        RunModel model;
        FlowView flow;
        flow.setRunModel(&model);
        flow.show();
        model.load({finished_run()}, "/runs/r");
        auto* replay = flow.findChild<QToolButton*>("replayRound");
        QVERIFY(replay);
        QVERIFY(replay->isVisible());
        QStringList captions;
        connect(&flow, &FlowView::captionChanged, this, [&](const QString& c) { captions << c; });
        replay->click();
        QTRY_VERIFY_WITH_TIMEOUT(captions.filter("copying the merged model").size() == 1, 20000);
        QVERIFY(captions.filter("merging weights").size() == 1);
        // Both environments trained in that round: they light together.
        QVERIFY2(captions.filter("Env 1 and Env 2 train").size() == 1, qPrintable(captions.join('\n')));
    }

    // The status bar and Flow follow the same event: environments that
    // train side by side light together, and the status bar names only
    // what the picture shows, even while the picture lags the engine.
    void statusBarNamesWhatFlowShows() {
        MainWindow window;
        window.show();
        RunModel* model = window.runModel();
        FlowView* flow = window.view<FlowView>();
        auto* status = window.findChild<QLabel*>("phaseLabel");
        ExperimentConfig config;
        config.split.envs = 2;
        model->startLive(config);
        RunStarted started;
        started.envs.resize(2);
        started.batches_per_round = 31;
        emit window.runner()->runStarted(started);
        auto batch = [&](int round, int env, int64_t b) {
            QTest::qWait(120); // past the status bar's ten updates a second
            BatchProgress p;
            p.round = round;
            p.env = env;
            p.epoch = 1;
            p.batch = b;
            p.batches = 31;
            p.loss = 1;
            emit window.runner()->batchProgress(p);
        };
        // Every time a phase reaches the picture: which round and which
        // environment each of the two names.
        QStringList pairs;
        connect(flow, &FlowView::phaseShown, this,
                [&] { pairs << flow->caption() + " | " + status->text(); });
        auto round_of = [](const QString& text) {
            return QRegularExpression("Round (\\d+)").match(text).captured(1);
        };

        emit window.runner()->phaseChanged(phase(1, Phase::Training, 0));
        emit window.runner()->phaseChanged(phase(1, Phase::Training, 1));
        batch(1, 1, 1);
        QVERIFY(flow->showsTraining("", 1, 0));
        QVERIFY(flow->showsTraining("", 1, 1));
        QVERIFY2(flow->caption().contains("Env 1 and Env 2 train"), qPrintable(flow->caption()));
        QVERIFY2(status->text().contains("Round 1: Env 2 training, epoch 1, batch 1 of 31"),
                 qPrintable(status->text()));

        // The round's tail and the next round's first batches, as fast as the
        // engine sends them: the picture holds "merging" on screen, and the
        // status bar does not jump ahead to round 2.
        for (const PhaseChanged& p :
             {phase(1, Phase::Merging, -1, "avg"), phase(1, Phase::Evaluating, -1, "avg"),
              phase(1, Phase::CopyingBack, -1, "avg"), phase(1, Phase::Saving), phase(2, Phase::Training, 0)})
            emit window.runner()->phaseChanged(p);
        QTRY_VERIFY_WITH_TIMEOUT(flow->caption().contains("Round 1: merging"), 5000);
        batch(2, 0, 5);
        QVERIFY2(flow->caption().contains("Round 1: merging"), qPrintable(flow->caption()));
        QVERIFY2(round_of(status->text()) == "1", qPrintable(status->text()));
        QTRY_VERIFY_WITH_TIMEOUT(flow->showsTraining("", 2, 0), 15000);
        batch(2, 0, 6);
        QVERIFY2(status->text().contains("Round 2: Env 1 training, epoch 1, batch 6 of 31"),
                 qPrintable(status->text()));
        QVERIFY(pairs.size() >= 6);
        for (const QString& pair : pairs) {
            const QStringList two = pair.split(" | ");
            QCOMPARE(round_of(two[1]), round_of(two[0]));
        }
        // One that starts training later followed the other (a single
        // thread): it is lit alone.
        QTest::qWait(PhasePlayer::kPhaseMs + 100);
        emit window.runner()->phaseChanged(phase(2, Phase::Training, 1));
        QTRY_VERIFY_WITH_TIMEOUT(flow->showsTraining("", 2, 1), 5000);
        QVERIFY(!flow->showsTraining("", 2, 0));
        QVERIFY2(flow->caption().contains("Env 2 trains on its own data only"), qPrintable(flow->caption()));
        window.runModel()->finishLive();
    }

    // Before the first run, Flow is the picture of what Start will do with
    // the setup as it stands, and follows the setup's changes.
    void beforeTheFirstRunFlowShowsThePlan() {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        SetupPanel* setup = window.setupPanel();
        ExperimentConfig c = testing::small_config(3, dir_.filePath("data").toStdString());
        c.split.kind = "H";
        c.split.envs = 3;
        c.method = "max";
        setup->setConfig(c);
        setup->recountNow();
        QCoreApplication::processEvents();
        FlowView* flow = window.view<FlowView>();
        QCOMPARE(flow->environmentBoxes().size(), size_t(3));
        QVERIFY2(flow->caption().contains("What Start does") && flow->caption().contains("max") &&
                     flow->caption().contains("up to 3 round"),
                 qPrintable(flow->caption()));
        QStringList painted;
        for (const auto& t : testing::painted_texts(flow))
            painted << t.text;
        const QString all = painted.join(' ');
        for (const char* expected :
             {"Env 1", "Env 2", "Env 3", "Merge", "weights", "merged model", "classes 0-"})
            QVERIFY2(all.contains(QLatin1String(expected)), qPrintable(expected + (": " + all)));
        QCOMPARE(flow->classCounts(), setup->classCounts()->counts());

        c.split.envs = 2;
        setup->setConfig(c);
        setup->recountNow();
        QCoreApplication::processEvents();
        QCOMPARE(flow->environmentBoxes().size(), size_t(2));
    }

    // Counts per class and environment before Start.
    void classCountsBeforeStartAndInFlow() {
        MainWindow window;
        SetupPanel* setup = window.setupPanel();
        ExperimentConfig c = testing::small_config(1, dir_.filePath("data").toStdString());
        c.split.kind = "dirichlet";
        c.split.envs = 3;
        c.split.alpha = 0.1;
        setup->setConfig(c);
        setup->recountNow();
        const auto& counts = setup->classCounts()->counts();
        QCOMPARE(counts.size(), size_t(3));
        const std::vector<uint8_t> labels = load_fashion_mnist(c.data_dir).train.labels;
        const auto envs = make_environments(setup->config().split, labels, setup->config().seed);
        for (size_t k = 0; k < 3; ++k) {
            QCOMPARE(std::accumulate(counts[k].begin(), counts[k].end(), int64_t(0)),
                     static_cast<int64_t>(envs[k].train.size()));
        }
        // Skewed: some environment lacks some class altogether.
        bool missing = false;
        for (const auto& env : counts)
            missing = missing || std::count(env.begin(), env.end(), 0) > 0;
        QVERIFY(missing);

        // Flow draws the same counts once the data is there.
        RunModel* model = window.runModel();
        model->startLive(setup->config());
        RunStarted started;
        started.envs.resize(3);
        model->addLane(started);
        model->setData(std::make_shared<const FashionMnist>(load_fashion_mnist(c.data_dir)));
        QCOMPARE(window.view<FlowView>()->classCounts(), counts);
    }
};

MERGELAB_TEST_WIDGETS(test_flow_phases, TestFlowPhases)
} // namespace test_flow_phases

#include "test_flow_phases.moc"
