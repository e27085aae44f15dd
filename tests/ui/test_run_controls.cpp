// The window's run controls and files as a user meets them: Step, Pause,
// quitting mid-run, opening a run after a live one, Save run as into
// folders that hold something, and the folders the dialogs remember.
#include <QtTest>

#include <QStatusBar>

#include <QAction>
#include <QComboBox>
#include <QDirIterator>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <map>

#include "accuracy_page.h"
#include "experiment_runner.h"
#include "flow_view.h"
#include "loss_chart.h"
#include "main_window.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "messages.h"
#include "run_model.h"
#include "setup_panel.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_run_controls {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

// Every file under `dir` with its bytes.
std::map<QString, QByteArray> snapshot(const QString& dir) {
    std::map<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            files[QDir(dir).relativeFilePath(path)] = f.readAll();
    }
    return files;
}

// Clicks `button` of the next message box that opens (modal or not).
void answer_next_box(QMessageBox::StandardButton button, const QString& text = {}) {
    QTimer::singleShot(0, [button, text] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            for (auto* box : w->findChildren<QMessageBox*>()) {
                if (!box->isVisible())
                    continue;
                QAbstractButton* b = text.isEmpty() ? box->button(button) : nullptr;
                for (QAbstractButton* candidate : box->buttons())
                    if (!text.isEmpty() && candidate->text() == text)
                        b = candidate;
                if (b)
                    b->click();
                return;
            }
        }
    });
}

QMessageBox* open_box(QWidget* window, const QString& name) {
    for (auto* box : window->findChildren<QMessageBox*>(name))
        if (box->isVisible())
            return box;
    return nullptr;
}

} // namespace

class TestRunControls : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    ExperimentConfig small(int rounds) const {
        ExperimentConfig c = testing::small_config(rounds, dir_.filePath("data").toStdString());
        return c;
    }
    QString savedRun(const QString& name, int rounds = 1) const {
        auto c = small(rounds);
        c.out_dir = dir_.filePath(name).toStdString();
        const FashionMnist data = load_fashion_mnist(c.data_dir);
        run_experiment(c, data);
        return dir_.filePath(name);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(dir_.isValid());
        testing::SyntheticSpec spec;
        spec.train_per_class = 40;
        spec.test_per_class = 10;
        testing::write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), spec);
    }

    // Separate processes run the same round pipeline as threads, so a setup
    // the engine takes with threads (a local rule here) keeps Start on with
    // processes too, and no field shows an error.
    void aSetupForSeparateProcessesIsJudgedLikeThreads() {
        MainWindow window;
        window.show();
        ExperimentConfig c = small(2);
        c.rule = "fedprox";
        window.setupPanel()->setConfig(c);
        QVERIFY(window.startAction()->isEnabled());
        auto* where = window.setupPanel()->findChild<QComboBox*>("environments_mode");
        QVERIFY(where);
        where->setCurrentIndex(static_cast<int>(EnvironmentsMode::LocalProcesses));
        QVERIFY(window.startAction()->isEnabled());
        QVERIFY(window.stepAction()->isEnabled());
        QVERIFY2(window.setupPanel()->fieldError("rule").isEmpty(),
                 qPrintable(window.setupPanel()->problemText()));
        where->setCurrentIndex(static_cast<int>(EnvironmentsMode::Threads));
        QVERIFY(window.startAction()->isEnabled());
    }

    // A refused Start held Start off for good: any change of the setup
    // now lifts it, and the reason stands beside its field until then.
    void aRefusedStartLastsUntilTheSetupChanges() {
        QTemporaryDir broken;
        QFile images(broken.filePath("train-images-idx3-ubyte"));
        QVERIFY(images.open(QIODevice::WriteOnly));
        images.write("not an idx file");
        images.close();
        MainWindow window;
        window.show();
        ExperimentConfig c = small(2);
        c.data_dir = broken.path().toStdString();
        window.setupPanel()->setConfig(c);
        QVERIFY(window.startAction()->isEnabled());
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        window.startAction()->trigger();
        QVERIFY(finished.wait(30000));
        QCoreApplication::processEvents();
        QVERIFY(!window.setupPanel()->fieldError("data").isEmpty());
        QVERIFY(!window.startAction()->isEnabled());
        auto* rounds = qobject_cast<QSpinBox*>(window.setupPanel()->fieldWidget("rounds"));
        QVERIFY(rounds);
        rounds->setValue(rounds->value() + 1);
        QVERIFY(window.setupPanel()->fieldError("data").isEmpty());
        QVERIFY(window.startAction()->isEnabled());
        QVERIFY(window.stepAction()->isEnabled());
        // A preset clears it as well.
        window.startAction()->trigger();
        QVERIFY(finished.wait(30000));
        QCoreApplication::processEvents();
        QVERIFY(!window.startAction()->isEnabled());
        window.applyPreset("quick");
        QVERIFY(window.startAction()->isEnabled());
    }

    void stepFromIdleEndsPausedAndSaysSo() {
        MainWindow window;
        window.show();
        window.setupPanel()->setConfig(small(5));
        QString pauseText;
        bool stepEnabled = false;
        // Connected after the window's own handler: what the user sees the
        // moment the round is in.
        connect(window.runner(), &ExperimentRunner::roundFinished, this, [&] {
            pauseText = window.pauseAction()->text();
            stepEnabled = window.stepAction()->isEnabled();
        });
        QSignalSpy rounds(window.runner(), &ExperimentRunner::roundFinished);
        window.stepRun();
        QVERIFY(rounds.wait(60000));
        QCoreApplication::processEvents();
        QCOMPARE(pauseText, QStringLiteral("Resume"));
        QVERIFY(stepEnabled);
        QVERIFY(window.runner()->isPaused());
        QVERIFY(window.findChild<QLabel*>("phaseLabel")->text().contains("Paused"));
        // Step runs exactly one more round and pauses again.
        window.stepAction()->trigger();
        QCOMPARE(window.pauseAction()->text(), QStringLiteral("Pause"));
        QVERIFY(rounds.wait(60000));
        QCoreApplication::processEvents();
        QCOMPARE(rounds.count(), 2);
        QCOMPARE(window.pauseAction()->text(), QStringLiteral("Resume"));
        // The button says Resume, and resumes.
        window.pauseAction()->trigger();
        QVERIFY(!window.runner()->isPaused());
        QCOMPARE(window.pauseAction()->text(), QStringLiteral("Pause"));
        window.stopRun();
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        QVERIFY(finished.wait(30000));
    }

    void pauseIsShownAndLeftOutOfTheClock() {
        MainWindow window;
        window.show();
        window.setupPanel()->setConfig(small(200));
        QSignalSpy batches(window.runner(), &ExperimentRunner::batchProgress);
        window.startRun();
        QVERIFY(batches.wait(60000));
        window.togglePause();
        auto* phase = window.findChild<QLabel*>("phaseLabel");
        QVERIFY(phase->text().contains("Paused"));
        const double before = window.runSeconds();
        QTest::qWait(1500);
        QCoreApplication::processEvents();
        QVERIFY2(window.runSeconds() - before < 0.2,
                 qPrintable(QString::number(window.runSeconds() - before)));
        QVERIFY(phase->text().contains("Paused")); // a late batch or phase does not overwrite it
        QTRY_VERIFY_WITH_TIMEOUT(window.view<FlowView>()->caption().contains("Paused"), 15000);
        window.togglePause();
        QVERIFY(!phase->text().contains("Paused"));
        QVERIFY(batches.wait(30000));
        window.stopRun();
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        QVERIFY(finished.wait(30000));
        // After a stop: no ETA, no "finished after" either.
        QVERIFY(!window.findChild<QLabel*>("timeLabel")->text().contains("ETA"));
        QVERIFY2(phase->text().contains("stopped"), qPrintable(phase->text()));
    }

    void openingARunClearsTheLiveLossChart() {
        const QString saved = savedRun("opened-after-live");
        MainWindow window;
        window.show();
        window.setupPanel()->setConfig(small(1));
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        window.startRun();
        QVERIFY(finished.wait(60000));
        QVERIFY(window.view<AccuracyPage>()->lossChart()->pointCount() > 0);
        // The status bar says how the run ended in the window's words (which
        // are translated), not the engine's English message.
        QVERIFY(window.runModel()->run());
        QCOMPARE(window.statusBar()->currentMessage(), stop_summary(*window.runModel()->run()));
        QVERIFY(window.statusBar()->currentMessage() !=
                QString::fromStdString(window.runModel()->run()->message));
        QVERIFY(window.openRun(saved));
        QCOMPARE(window.view<AccuracyPage>()->lossChart()->pointCount(), 0);
    }

    void quittingDuringARunAsksFirst() {
        MainWindow window;
        window.show();
        window.setupPanel()->setConfig(small(200));
        QSignalSpy batches(window.runner(), &ExperimentRunner::batchProgress);
        window.startRun();
        QVERIFY(batches.wait(60000));
        QVERIFY(!window.close());
        QVERIFY(window.isVisible());
        QVERIFY(window.runner()->isRunning());
        QMessageBox* box = open_box(&window, "confirmQuit");
        QVERIFY(box);
        box->button(QMessageBox::Cancel)->click();
        QCoreApplication::processEvents();
        QVERIFY(window.isVisible());
        QVERIFY(window.runner()->isRunning());

        window.close();
        box = open_box(&window, "confirmQuit");
        QVERIFY(box);
        for (QAbstractButton* b : box->buttons())
            if (b->text() == "Stop and quit")
                b->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), 10000);
        QVERIFY(window.runner()->wait(10000));
    }

    void stoppingBeforeTheFirstRoundLeavesNoFolder() {
        MainWindow window;
        window.show();
        window.setupPanel()->setConfig(small(3));
        QSignalSpy batches(window.runner(), &ExperimentRunner::batchProgress);
        window.startRun();
        QVERIFY(batches.wait(60000));
        window.stopRun();
        QSignalSpy finished(window.runner(), &ExperimentRunner::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(window.runModel()->roundCount(), 0);
        const QDir runs(MainWindow::runsFolder());
        for (const QString& entry : runs.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            QVERIFY2(!snapshot(runs.filePath(entry)).empty(), qPrintable(entry));
    }

    void saveAsNeverWritesBesideOtherFiles() {
        const QString run = savedRun("to-save");
        const QString other = savedRun("another-run");
        const QString busy = dir_.filePath("busy");
        QDir().mkpath(busy + "/sub");
        QFile notes(busy + "/notes.txt");
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("mine, not MergeLab's\n");
        notes.close();
        QFile inner(busy + "/sub/run.json");
        QVERIFY(inner.open(QIODevice::WriteOnly));
        inner.write("{}");
        inner.close();
        const auto otherBefore = snapshot(other);
        const auto busyBefore = snapshot(busy);

        MainWindow window;
        window.setQuitWhenDone(false, {});
        QVERIFY(window.openRun(run));

        // A folder holding another run: a new folder beside it, after
        // asking. Inside, it would make that run one the CLI can neither
        // continue nor replace.
        answer_next_box(QMessageBox::Save);
        const QString intoOther = window.saveRunTo(other);
        QVERIFY(!intoOther.isEmpty());
        QVERIFY2(!intoOther.startsWith(other + "/"), qPrintable(intoOther));
        QCOMPARE(QFileInfo(intoOther).dir().path(), QFileInfo(other).dir().path());
        QVERIFY(QFileInfo::exists(intoOther + "/run.json"));
        auto otherAfter = snapshot(other);
        QCOMPARE(otherAfter.size(), otherBefore.size());
        for (const auto& [path, bytes] : otherBefore)
            QCOMPARE(otherAfter[path], bytes);
        QVERIFY(inspect_run_folder(other.toStdString()).kind == FolderKind::MergeLabRun);
        // A folder inside another run (its models/, or a new name there): beside that run too.
        answer_next_box(QMessageBox::Save);
        const QString intoModels = window.saveRunTo(other + "/models/new");
        QVERIFY2(!intoModels.isEmpty() && !intoModels.startsWith(other + "/"), qPrintable(intoModels));
        QVERIFY(inspect_run_folder(other.toStdString()).kind == FolderKind::MergeLabRun);

        // A folder holding someone's files: the same, and nothing of theirs changes.
        answer_next_box(QMessageBox::Save);
        const QString intoBusy = window.saveRunTo(busy);
        QVERIFY(intoBusy.startsWith(busy + "/"));
        auto busyAfter = snapshot(busy);
        for (const auto& [path, bytes] : busyBefore)
            QCOMPARE(busyAfter[path], bytes);

        // Declining writes nothing.
        answer_next_box(QMessageBox::Cancel);
        QVERIFY(window.saveRunTo(busy).isEmpty());
        QCOMPARE(snapshot(busy).size(), busyAfter.size());

        // System folders are refused outright; a new folder is created.
        QVERIFY(window.saveRunTo("/").isEmpty());
        QVERIFY(window.saveRunTo("/usr/share").isEmpty());
        const QString fresh = dir_.filePath("fresh/nested");
        QCOMPARE(window.saveRunTo(fresh), QDir::cleanPath(fresh));
        QVERIFY(QFileInfo::exists(fresh + "/run.json"));
        QVERIFY(window.openRun(fresh));
    }

    // Save as takes a folder that does not exist yet, typed by name, nested
    // or not: the dialog refused it as "Directory not found".
    void saveAsTakesANewFolderByName() {
        const QString run = savedRun("to-name");
        MainWindow window;
        window.setQuitWhenDone(false, {});
        window.show();
        QVERIFY(window.openRun(run));
        const QString typed = dir_.filePath("course/week-3");
        QVERIFY(!QFileInfo::exists(typed));
        QTimer::singleShot(300, [typed] {
            for (auto* dialog : QApplication::topLevelWidgets())
                if (auto* files = qobject_cast<QFileDialog*>(dialog); files && files->isVisible()) {
                    if (auto* name = files->findChild<QLineEdit*>("fileNameEdit"))
                        name->setText(typed);
                    QMetaObject::invokeMethod(files, "accept");
                }
        });
        // Whatever is still open then (a refusal, the dialog) is closed.
        QTimer::singleShot(2500, [] {
            for (auto* w : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible())
                    box->reject();
            QTimer::singleShot(200, [] {
                for (auto* w : QApplication::topLevelWidgets())
                    if (auto* files = qobject_cast<QFileDialog*>(w); files && files->isVisible())
                        files->reject();
            });
        });
        QAction* saveAs = nullptr;
        for (QAction* a : window.findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(QKeySequence::Save))
                saveAs = a;
        QVERIFY(saveAs && saveAs->isEnabled());
        saveAs->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(typed + "/run.json"), 5000);
        QVERIFY(window.openRun(typed));
    }

    void dialogsStartInTheRunsFolderAndRecentRunsAreListed() {
        QSettings().clear();
        MainWindow window;
        QCOMPARE(window.dialogFolder(), MainWindow::runsFolder());
        const QString run = savedRun("recent");
        QVERIFY(window.openRun(run));
        bool listed = false;
        for (QAction* a : window.recentMenu()->actions())
            listed = listed || a->data().toString() == run;
        QVERIFY(listed);
        // A new window (a new session) lists it too.
        MainWindow again;
        listed = false;
        for (QAction* a : again.recentMenu()->actions())
            listed = listed || a->data().toString() == run;
        QVERIFY(listed);
    }
};

MERGELAB_TEST_WIDGETS(test_run_controls, TestRunControls)
} // namespace test_run_controls

#include "test_run_controls.moc"
