// Lesson mode: a real run halts after every step of
// the algorithm, the Next key (Space, Right arrow) walks it through two
// rounds, and every caption's numbers are the run's own metrics. An opened
// run is walked through the same way from its run.json.
#include <QtTest>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "command_line.h"
#include "experiment_runner.h"
#include "flow_view.h"
#include "lesson.h"
#include "main_window.h"
#include "run_model.h"
#include "setup_panel.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_lesson {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

const std::vector<Phase> kOrder{Phase::Training, Phase::Merging, Phase::Evaluating, Phase::CopyingBack};

// Every accuracy a caption states, in the order it states them.
QStringList percents_in(const QString& caption) {
    QStringList out;
    // As lesson_percent writes them: digits, the locale's decimal point, one decimal.
    const QRegularExpression number(
        QStringLiteral("\\d+%1\\d %").arg(QRegularExpression::escape(QLocale().decimalPoint())));
    auto it = number.globalMatch(caption);
    while (it.hasNext())
        out << it.next().captured(0);
    return out;
}

// What the caption of step `step` of round `r` must state: each local model
// on its own validation data after training and merging, the merged models
// on the test images (the primary first) after testing, the primary after
// copying back.
QStringList expected_percents(Phase step, const RoundResult& r) {
    QStringList out;
    switch (step) {
    case Phase::Training:
        for (const EnvRoundMetrics& e : r.envs)
            out << lesson_percent(e.val_acc);
        break;
    case Phase::Merging:
        break;
    case Phase::Evaluating:
        out << lesson_percent(r.method(r.primary)->test_acc);
        for (const MethodMetrics& m : r.merged)
            if (m.method != r.primary)
                out << lesson_percent(m.test_acc);
        break;
    case Phase::CopyingBack:
        out << lesson_percent(r.method(r.primary)->test_acc);
        break;
    default:
        break;
    }
    return out;
}

void activate(QWidget& window) {
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
}

} // namespace

class TestLesson : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    ExperimentConfig small(int rounds) const {
        ExperimentConfig c = testing::small_config(rounds, dir_.filePath("data").toStdString());
        c.compare = {"avg", "max"};
        return c;
    }

    // The captions of a whole lesson, one per Next, checked against `run`.
    static void checkCaptions(const QStringList& captions, const std::vector<Phase>& steps,
                              const RunResult& run) {
        QCOMPARE(captions.size(), 8);
        QCOMPARE(steps.size(), size_t(8));
        for (int i = 0; i < captions.size(); ++i) {
            const RoundResult& r = run.rounds[size_t(i / 4)];
            const Phase step = kOrder[size_t(i % 4)];
            QVERIFY2(steps[size_t(i)] == step, qPrintable(QString::number(i)));
            QVERIFY2(captions[i].contains(QStringLiteral("Round %1").arg(r.round)), qPrintable(captions[i]));
            QCOMPARE(percents_in(captions[i]), expected_percents(step, r));
        }
        // Which method merged what, and where the environments go next.
        QVERIFY2(captions[1].contains("Average (avg) combined the 2 environments' weights"),
                 qPrintable(captions[1]));
        QVERIFY2(captions[1].contains("Maximum (max)"), qPrintable(captions[1]));
        QVERIFY2(captions[3].contains("starts round 2"), qPrintable(captions[3]));
        QVERIFY2(captions[7].contains("last round"), qPrintable(captions[7]));
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(dir_.isValid());
        testing::SyntheticSpec spec;
        spec.train_per_class = 30;
        spec.test_per_class = 8;
        testing::write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), spec);
    }

    void commandLineTakesLesson() {
        QVERIFY(parse_command_line({"mergelab", "--lesson"}).options.lesson);
        QVERIFY(!parse_command_line({"mergelab"}).options.lesson);
        QVERIFY(parse_command_line({"mergelab", "--help"}).out.contains("--lesson"));
    }

    // Separate processes report no steps: the setup says a lesson needs
    // threads, and asks for none there.
    // The round pipeline stops at each step wherever the environments train.
    void lessonWorksWithProcesses() {
        MainWindow window;
        SetupPanel* panel = window.setupPanel();
        auto* lesson = panel->findChild<QCheckBox*>("lesson");
        auto* mode = panel->findChild<QComboBox*>("environments_mode");
        QVERIFY(lesson && mode);
        lesson->setChecked(true);
        const QString threadsText = lesson->text();
        mode->setCurrentIndex(int(EnvironmentsMode::LocalProcesses));
        QVERIFY(panel->lessonMode());
        QCOMPARE(lesson->text(), threadsText);
    }

    // Must show 3: two rounds with the Next key, the steps in the paper's
    // order, each caption in this run's numbers.
    // The same lesson whether the environments are threads of the app or
    // `mergelab-cli env` processes it starts: one round pipeline stops both.
    void nextKeyWalksTwoRoundsInTheRunsNumbers_data() {
        QTest::addColumn<bool>("processes");
        QTest::newRow("threads") << false;
        QTest::newRow("processes") << true;
    }
    void nextKeyWalksTwoRoundsInTheRunsNumbers() {
        QFETCH(bool, processes);
        MainWindow window;
        window.resize(1280, 720);
        activate(window);
        window.setupPanel()->setConfig(small(2));
        window.setupPanel()->setLessonMode(true);
        if (processes)
            window.setupPanel()
                ->findChild<QComboBox*>("environments_mode")
                ->setCurrentIndex(int(EnvironmentsMode::LocalProcesses));
        FlowView* flow = window.view<FlowView>();
        std::vector<Phase> steps;
        connect(window.lesson(), &LessonGuide::shown, this,
                [&](const LessonStep& s) { steps.push_back(s.step.step); });
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        window.startRun();
        QStringList captions;
        for (int i = 0; i < 8; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(steps.size() == size_t(i + 1), 60000);
            // Halted there: the engine waits, Next is offered, the Flow tab tells.
            QVERIFY(window.runner()->isAtLessonStop());
            QVERIFY(window.nextStepAction()->isEnabled());
            QVERIFY(flow->isVisible());
            QVERIFY(flow->findChild<QToolButton*>("lessonNext")->isVisible());
            QVERIFY2(window.statusText().contains("Lesson"), qPrintable(window.statusText()));
            // Nothing else moves while the teacher explains.
            QTest::qWait(50);
            QCOMPARE(steps.size(), size_t(i + 1));
            captions << flow->caption();
            QTest::keyClick(&window, i % 2 == 0 ? Qt::Key_Space : Qt::Key_Right);
        }
        QVERIFY(finished.count() > 0 || finished.wait(60000));
        const RunPtr run = window.runModel()->run();
        QVERIFY(run);
        QCOMPARE(run->stopped, StopReason::MaxRounds);
        QCOMPARE(run->rounds.size(), size_t(2));
        checkCaptions(captions, steps, *run);
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY(!window.nextStepAction()->isEnabled());
        QVERIFY(!flow->inLesson());
    }

    // Before round 1 ends the Accuracy tab and the round counter say where
    // the round is, as the lesson does; and the time the teacher held the
    // run at its stops is not counted as the round's time.
    void accuracyTabAndTimesAgreeWithTheLesson() {
        MainWindow window;
        window.resize(1280, 720);
        activate(window);
        window.setupPanel()->setConfig(small(1));
        window.setupPanel()->setLessonMode(true);
        std::vector<Phase> steps;
        connect(window.lesson(), &LessonGuide::shown, this,
                [&](const LessonStep& s) { steps.push_back(s.step.step); });
        QSignalSpy rounds(window.runner(), &ExperimentRunner::roundFinished);
        auto* roundLabel = window.findChild<QLabel*>("roundLabel");
        QVERIFY(roundLabel);
        QElapsedTimer wall;
        wall.start();
        window.startRun();
        constexpr int kHeldMs = 600;
        for (int i = 0; i < 4; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(steps.size() == size_t(i + 1), 60000);
            QCOMPARE(window.runModel()->roundCount(), 0);
            const QString empty = window.view<AccuracyPage>()->chart()->emptyText();
            QVERIFY2(!roundLabel->text().contains("no rounds"), qPrintable(roundLabel->text()));
            if (steps.back() != Phase::Training)
                QVERIFY2(!empty.contains("training"), qPrintable(empty));
            if (steps.back() == Phase::CopyingBack)
                QVERIFY2(empty.contains("copying back"), qPrintable(empty));
            QTest::qWait(kHeldMs); // the teacher explains
            window.nextStepAction()->trigger();
        }
        QVERIFY(rounds.count() > 0 || rounds.wait(60000));
        const double took = wall.elapsed() / 1000.0;
        QCoreApplication::processEvents();
        const RunPtr run = window.runModel()->run();
        QVERIFY(run && !run->rounds.empty());
        const double held = 4 * kHeldMs / 1000.0;
        QVERIFY2(run->rounds[0].seconds <= took - held + 0.2,
                 qPrintable(QStringLiteral("round 1 took %1 s of %2 s, %3 s of them held")
                                .arg(run->rounds[0].seconds)
                                .arg(took)
                                .arg(held)));
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        QVERIFY(!window.runner()->isRunning() || finished.wait(60000));
    }

    // Space and Right stay Next's whatever has the focus: a button does not
    // take Space for a click, a slider does not take Right for a move, a
    // check box is not toggled.
    void focusedWidgetsDoNotEatTheNextKey() {
        auto c = small(2);
        c.out_dir = dir_.filePath("focus-run").toStdString();
        run_experiment(c, load_fashion_mnist(c.data_dir));
        MainWindow window;
        window.resize(1280, 720);
        activate(window);
        QVERIFY(window.openRun(dir_.filePath("focus-run")));
        QVERIFY(window.replayLessonAction()->isEnabled());
        window.replayLessonAction()->trigger();
        LessonGuide* guide = window.lesson();
        QCOMPARE(guide->replayPosition(), 0);

        auto* button = new QPushButton("probe", window.statusBar());
        window.statusBar()->addWidget(button);
        button->show();
        QSignalSpy clicked(button, &QPushButton::clicked);
        button->setFocus();
        QTRY_VERIFY(button->hasFocus());
        QTest::keyClick(button, Qt::Key_Space);
        QCOMPARE(guide->replayPosition(), 1);
        QCOMPARE(clicked.count(), 0);

        auto* scrubber = window.findChild<QSlider*>("roundScrubber");
        QVERIFY(scrubber->isEnabled());
        scrubber->setFocus();
        QTRY_VERIFY(scrubber->hasFocus());
        const int round = scrubber->value();
        QTest::keyClick(scrubber, Qt::Key_Right);
        QCOMPARE(guide->replayPosition(), 2);
        QCOMPARE(scrubber->value(), round); // the lesson moves the rounds, not the key

        auto* lesson = window.setupPanel()->findChild<QCheckBox*>("lesson");
        QVERIFY(lesson && lesson->isEnabled());
        const bool checked = lesson->isChecked();
        lesson->setFocus();
        QTRY_VERIFY(lesson->hasFocus());
        QTest::keyClick(lesson, Qt::Key_Space);
        QCOMPARE(guide->replayPosition(), 3);
        QCOMPARE(lesson->isChecked(), checked);
    }

    // An opened run replays phase by phase with the live captions, from
    // its run.json; the scrubber follows the round being told.
    void openedRunReplaysAsALesson() {
        auto c = small(2);
        c.out_dir = dir_.filePath("replayed").toStdString();
        run_experiment(c, load_fashion_mnist(c.data_dir));
        MainWindow window;
        window.resize(1280, 720);
        activate(window);
        QVERIFY(!window.replayLesson()); // nothing opened yet
        QVERIFY(window.openRun(dir_.filePath("replayed")));
        FlowView* flow = window.view<FlowView>();
        std::vector<Phase> steps;
        QStringList captions;
        connect(window.lesson(), &LessonGuide::shown, this, [&](const LessonStep& s) {
            steps.push_back(s.step.step);
            captions << flow->caption();
            QCOMPARE(window.runModel()->selectedRound(), s.step.round);
        });
        QVERIFY(window.replayLesson());
        for (int i = 1; i < 8; ++i)
            QTest::keyClick(&window, i % 2 ? Qt::Key_Right : Qt::Key_Space);
        QCOMPARE(captions.size(), 8);
        QVERIFY(window.lesson()->isAtStop());
        checkCaptions(captions, steps, *window.runModel()->run());
        QVERIFY(!QTest::currentTestFailed());
        // Past the last step: the lesson ends and says so.
        QTest::keyClick(&window, Qt::Key_Space);
        QCOMPARE(window.lesson()->mode(), LessonGuide::Mode::Off);
        QVERIFY(!window.nextStepAction()->isEnabled());
        QVERIFY2(flow->caption().contains("End of the lesson"), qPrintable(flow->caption()));
    }

    // The run controls at a lesson stop: Resume goes on (to the next stop),
    // Step too, and Stop ends the run at once although the engine waits.
    void runControlsAtALessonStop() {
        MainWindow window;
        activate(window);
        window.setupPanel()->setConfig(small(50));
        window.setupPanel()->setLessonMode(true);
        std::vector<Phase> steps;
        connect(window.lesson(), &LessonGuide::shown, this,
                [&](const LessonStep& s) { steps.push_back(s.step.step); });
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(steps.size() == 1, 60000);
        QCOMPARE(window.pauseAction()->text(), QStringLiteral("Resume"));
        QVERIFY(window.stepAction()->isEnabled());
        window.pauseAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(steps.size() == 2, 60000);
        QCOMPARE(steps[1], Phase::Merging);
        window.stepAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(steps.size() == 3, 60000);
        QCOMPARE(steps[2], Phase::Evaluating);
        QVERIFY(window.runner()->isAtLessonStop());
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        window.stopAction()->trigger();
        QVERIFY(finished.wait(10000));
        QCOMPARE(window.runModel()->run()->stopped, StopReason::Cancelled);
        QVERIFY(!window.lesson()->isAtStop());
        QVERIFY(!window.nextStepAction()->isEnabled());
        QVERIFY(!window.runner()->isAtLessonStop());
        QVERIFY(window.startAction()->isEnabled());
    }
};

MERGELAB_TEST_WIDGETS(test_lesson, TestLesson)
} // namespace test_lesson

#include "test_lesson.moc"
