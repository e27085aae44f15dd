// The run model between the runner and the views: which signal a view gets
// for a new run, a round, a lane or a move of the scrubber, and that a view
// registered like the standard ones receives them.
#include <QtTest>

#include <QAction>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTabWidget>

#include "accuracy_page.h"
#include "main_window.h"
#include "run_model.h"
#include "support/test_main.h"
#include "views.h"

namespace test_run_model {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

RoundResult make_round(int n, const std::vector<std::string>& methods, double base = 0.5) {
    RoundResult round;
    round.round = n;
    round.primary = methods.front();
    for (int k = 0; k < 2; ++k) {
        EnvRoundMetrics env;
        env.val_acc = base + 0.01 * n + 0.001 * k;
        round.envs.push_back(env);
    }
    for (size_t i = 0; i < methods.size(); ++i) {
        MethodMetrics m;
        m.method = methods[i];
        m.test_acc = base + 0.02 * n + 0.005 * static_cast<double>(i);
        m.predictions.assign(100, 1);
        round.merged.push_back(m);
    }
    return round;
}

RunStarted started(const std::string& lane) {
    RunStarted e;
    e.lane = lane;
    e.envs.resize(2);
    e.envs[0].classes = {0, 1, 2, 3, 4};
    e.envs[1].classes = {5, 6, 7, 8, 9};
    return e;
}

RunResult saved_run(int rounds) {
    RunResult run;
    run.config.split.envs = 2;
    run.envs = started("").envs;
    for (int r = 1; r <= rounds; ++r)
        run.rounds.push_back(make_round(r, {"avg", "max", "absmax"}));
    run.stopped = StopReason::MaxRounds;
    return run;
}

QList<int> ints(const QSignalSpy& spy, int argument = 0) {
    QList<int> out;
    for (const auto& call : spy)
        out << call.at(argument).toInt();
    return out;
}

} // namespace

// A tab as a new view would be written: it only records what it is told.
// Outside the anonymous namespace: a lambda in TestRunModel captures it.
class ProbeView : public QWidget, public RunView {
public:
    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("probe"); }
    QString title() const override { return QStringLiteral("&Probe"); }
    void setRunModel(RunModel* model) override {
        model_ = model;
        connect(model, &RunModel::runReset, this, [this] { events << QStringLiteral("reset"); });
        connect(model, &RunModel::laneSelected, this,
                [this](int lane) { events << QStringLiteral("lane %1").arg(lane); });
        connect(model, &RunModel::roundAdded, this,
                [this](int round) { events << QStringLiteral("added %1").arg(round); });
        connect(model, &RunModel::roundSelected, this,
                [this](int round) { events << QStringLiteral("selected %1").arg(round); });
    }
    RunModel* model_ = nullptr;
    QStringList events;
};

class TestRunModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void newRunResets() {
        RunModel model;
        QSignalSpy reset(&model, &RunModel::runReset);
        QSignalSpy lane(&model, &RunModel::laneSelected);
        ExperimentConfig config;
        model.startLive(config);
        QCOMPARE(reset.count(), 1);
        QVERIFY(model.isLive());
        QVERIFY(!model.run());
        QCOMPARE(model.selectedRound(), 0);
        QVERIFY(!model.round(0));

        // The first lane (compare mode: the only one) becomes what the views show.
        model.addLane(started(""));
        QCOMPARE(ints(lane), QList<int>({0}));
        QVERIFY(model.run());
        QCOMPARE(model.run()->envs.size(), size_t(2));

        model.load({saved_run(3)}, QStringLiteral("/runs/a"));
        QCOMPARE(reset.count(), 2);
        QVERIFY(!model.isLive());
        QCOMPARE(model.origin(), QStringLiteral("/runs/a"));
        QCOMPARE(model.roundCount(), 3);
        QCOMPARE(model.selectedRound(), 3); // an opened run shows its last round

        model.startLive(config);
        QCOMPARE(reset.count(), 3);
        QCOMPARE(model.laneCount(), 0);
        QCOMPARE(model.selectedRound(), 0);
    }

    void oneRoundAddedPerRound() {
        RunModel model;
        model.startLive(ExperimentConfig{});
        model.addLane(started(""));
        QSignalSpy added(&model, &RunModel::roundAdded);
        QSignalSpy selected(&model, &RunModel::roundSelected);
        const RunPtr shown = model.run();
        for (int r = 1; r <= 3; ++r)
            model.appendRound("", make_round(r, {"avg", "max"}));
        QCOMPARE(ints(added), QList<int>({1, 2, 3}));
        QCOMPARE(ints(selected), QList<int>({1, 2, 3})); // following the latest round
        // Appended in place: the views' run grows, nobody copied it.
        QCOMPARE(model.run().get(), shown.get());
        QCOMPARE(shown->rounds.size(), size_t(3));

        // The same round again is no new round.
        model.appendRound("", make_round(3, {"avg", "max"}));
        QCOMPARE(added.count(), 3);
        QCOMPARE(model.roundCount(), 3);
        // A lane nobody started is ignored.
        model.appendRound("max", make_round(4, {"max"}));
        QCOMPARE(added.count(), 3);

        QCOMPARE(model.round(2)->round, 2);
        QCOMPARE(model.round(0)->round, 3);
        QCOMPARE(model.round(42)->round, 3);
        QCOMPARE(model.shownRound()->round, 3);
    }

    void scrubbingStopsFollowing() {
        RunModel model;
        model.load({saved_run(3)}, QStringLiteral("/runs/a"));
        QSignalSpy selected(&model, &RunModel::roundSelected);
        model.selectRound(1);
        QCOMPARE(ints(selected), QList<int>({1}));
        QCOMPARE(model.shownRound()->round, 1);
        model.selectRound(1); // no move, no signal
        QCOMPARE(selected.count(), 1);
        model.selectRound(99); // past the end: the last round, and follow again
        QCOMPARE(ints(selected), QList<int>({1, 3}));

        // Live: a round arriving while an earlier one is shown leaves it shown.
        model.startLive(ExperimentConfig{});
        model.addLane(started(""));
        model.appendRound("", make_round(1, {"avg"}));
        model.appendRound("", make_round(2, {"avg"}));
        model.selectRound(1);
        selected.clear();
        QSignalSpy added(&model, &RunModel::roundAdded);
        model.appendRound("", make_round(3, {"avg"}));
        QCOMPARE(ints(added), QList<int>({3}));
        QCOMPARE(selected.count(), 0);
        QCOMPARE(model.selectedRound(), 1);
    }

    void lanes() {
        RunModel model;
        ExperimentConfig config;
        config.mode = Mode::Lanes;
        config.lanes = {"avg", "max"};
        model.startLive(config);
        QSignalSpy laneAdded(&model, &RunModel::laneAdded);
        QSignalSpy laneSelected(&model, &RunModel::laneSelected);
        QSignalSpy laneRound(&model, &RunModel::laneRoundAdded);
        QSignalSpy added(&model, &RunModel::roundAdded);
        model.addLane(started("avg"));
        model.addLane(started("max"));
        QCOMPARE(ints(laneAdded), QList<int>({0, 1}));
        // Live, the views follow the lane that starts.
        QCOMPARE(ints(laneSelected), QList<int>({0, 1}));
        QCOMPARE(model.runningLane(), 1);
        model.selectLane(0); // the user looks back at the first lane
        QCOMPARE(model.lane(1)->config.method, std::string("max"));

        model.appendRound("avg", make_round(1, {"avg"}, 0.6));
        model.appendRound("max", make_round(1, {"max"}, 0.4));
        QCOMPARE(ints(laneRound, 0), QList<int>({0, 1}));
        QCOMPARE(ints(laneRound, 1), QList<int>({1, 1}));
        QCOMPARE(ints(added), QList<int>({1})); // only the shown lane's round
        laneSelected.clear();

        // The comparison puts each lane's merged model in one round.
        const RunPtr both = model.comparison();
        QCOMPARE(both->rounds.size(), size_t(1));
        QCOMPARE(both->rounds[0].merged.size(), size_t(2));
        QCOMPARE(both->rounds[0].merged[1].method, std::string("max"));
        QCOMPARE(both->rounds[0].merged[1].test_acc, model.lane(1)->rounds[0].merged[0].test_acc);
        QVERIFY(both->rounds[0].merged[1].predictions.empty());

        model.selectLane(1);
        QCOMPARE(ints(laneSelected), QList<int>({1}));
        QCOMPARE(model.run()->lane, std::string("max"));
        QCOMPARE(model.comparison()->lane, std::string("max"));
        model.selectLane(1);
        model.selectLane(7);
        QCOMPARE(laneSelected.count(), 1);

        model.appendRound("max", make_round(2, {"max"}));
        QCOMPARE(ints(added), QList<int>({1, 2}));
    }

    void registeredViewReceivesTheModel() {
        std::vector<ViewFactory> views = standard_views();
        ProbeView* probe = nullptr;
        // Seventh, whatever follows it: its tab, name and Ctrl+7 are checked below.
        views.insert(views.begin() + 6, [&probe] { return probe = new ProbeView; });
        MainWindow window(views);
        QVERIFY(probe);
        QCOMPARE(probe->model_, window.runModel());
        QCOMPARE(window.view<ProbeView>(), probe);
        QCOMPARE(window.views().size(), standard_views().size() + 1);

        // Its tab, its name for showTab and its Ctrl+7 come from the list.
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs);
        QCOMPARE(tabs->count(), int(standard_views().size()) + 1);
        QCOMPARE(tabs->tabText(6), QStringLiteral("&Probe"));
        window.showTab("probe");
        QCOMPARE(tabs->currentWidget(), probe);
        bool shortcut = false;
        for (QAction* a : window.findChildren<QAction*>())
            if (a->text() == "Probe")
                shortcut = a->shortcut() == QKeySequence("Ctrl+7");
        QVERIFY(shortcut);
        // Tabs past the ninth get no digit shortcut: "Ctrl+10" is no key
        // and would fire as Ctrl+1 on some platforms.
        QVERIFY(window.views().size() > 9);
        QStringList tabShortcuts;
        for (QAction* a : window.findChildren<QAction*>())
            for (const QKeySequence& k : a->shortcuts())
                if (k.toString().startsWith("Ctrl+") && k.toString().mid(5).toInt() > 0)
                    tabShortcuts << k.toString();
        for (const QString& k : tabShortcuts)
            QVERIFY2(k.mid(5).toInt() <= 9, qPrintable(k));
        QCOMPARE(tabShortcuts.size(), 9);
        // The tenth and later tabs are reached from anywhere in the window.
        QAction* nextTab = nullptr;
        for (QAction* a : window.findChildren<QAction*>())
            if (a->shortcuts().contains(QKeySequence("Ctrl+PgDown")))
                nextTab = a;
        QVERIFY(nextTab);
        QVERIFY(nextTab->shortcuts().contains(QKeySequence("Ctrl+Tab")));
        tabs->setCurrentIndex(8);
        nextTab->trigger();
        nextTab->trigger();
        QCOMPARE(tabs->currentIndex(), 10);
        nextTab->trigger();
        QCOMPARE(tabs->currentIndex(), (11) % tabs->count());
        window.showTab("accuracy");
        QCOMPARE(tabs->currentWidget(), window.view<AccuracyPage>());

        RunModel* model = window.runModel();
        model->load({saved_run(3)}, QStringLiteral("/runs/a"));
        QCOMPARE(probe->events, QStringList({"reset"}));
        QCOMPARE(window.shownRound(), 3);

        // The scrubber moves the model, the model moves the views.
        probe->events.clear();
        auto* scrubber = window.findChild<QSlider*>("roundScrubber");
        QVERIFY(scrubber);
        QVERIFY(scrubber->isEnabled());
        scrubber->setValue(2);
        QCOMPARE(probe->events, QStringList({"selected 2"}));
        QCOMPARE(model->selectedRound(), 2);

        probe->events.clear();
        model->startLive(ExperimentConfig{});
        model->addLane(started(""));
        model->appendRound("", make_round(1, {"avg"}));
        model->appendRound("", make_round(2, {"avg"}));
        QCOMPARE(probe->events,
                 QStringList({"reset", "lane 0", "added 1", "selected 1", "added 2", "selected 2"}));
        QCOMPARE(scrubber->value(), 2);
        QCOMPARE(scrubber->maximum(), 2);
    }
};

MERGELAB_TEST_WIDGETS(test_run_model, TestRunModel)
} // namespace test_run_model

#include "test_run_model.moc"
