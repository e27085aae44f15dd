// A 1024x600 screen (a netbook, a small projector): the window fits it with
// its status bar, and the views that were squeezed there keep their texts
// apart and whole (see main for the screen).
#include <QtTest>

#include <QDockWidget>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QThreadPool>

#include <qcustomplot.h>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "confusion_view.h"
#include "experiment_runner.h"
#include "loss_chart.h"
#include "main_window.h"
#include "provenance_view.h"
#include "run_model.h"
#include "support/test_main.h"
#include "ui_fixture.h"

namespace test_small_screen {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

void show_tab(MainWindow& window, QWidget* page) {
    auto* tabs = window.findChild<QTabWidget*>();
    tabs->setCurrentWidget(page);
    QThreadPool::globalInstance()->waitForDone();
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents();
    for (QCustomPlot* plot : page->findChildren<QCustomPlot*>())
        plot->replot(); // twice: the first may change the room a chart asks for
    QCoreApplication::processEvents();
    for (QCustomPlot* plot : page->findChildren<QCustomPlot*>())
        plot->replot();
}

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
    round.merged.push_back(m);
    round.seconds = 2;
    return round;
}

} // namespace

class TestSmallScreen : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString run_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        run_ = dir_.filePath("run");
        testing::write_small_run(dir_.filePath("data"), run_);
    }

    void windowFitsWithItsStatusBar() {
        const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
        QCOMPARE(available.size(), QSize(1024, 600));
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        QCoreApplication::processEvents();
        const QRect frame = window.frameGeometry();
        QVERIFY2(available.contains(frame), qPrintable(QStringLiteral("%1x%2+%3+%4")
                                                           .arg(frame.width())
                                                           .arg(frame.height())
                                                           .arg(frame.x())
                                                           .arg(frame.y())));
        QVERIFY2(window.minimumSizeHint().height() <= available.height() - 40,
                 qPrintable(QString::number(window.minimumSizeHint().height())));
        const QRect status = window.statusBar()->geometry().translated(window.geometry().topLeft());
        QVERIFY(available.contains(status));
        // The log is a tab beside the setup panel, not a strip under the views.
        auto* setup = window.findChild<QDockWidget*>("setupDock");
        auto* log = window.findChild<QDockWidget*>("logDock");
        QVERIFY(window.tabifiedDockWidgets(setup).contains(log));
    }

    void provenanceKeepsItsLabelsApart() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        auto* view = window.view<ProvenanceView>();
        show_tab(window, view);
        QCustomPlot* bars = view->plot();
        QVERIFY(bars->isVisible());
        QString crowded = testing::crowded_ticks(bars->yAxis);
        QVERIFY2(crowded.isEmpty(), qPrintable("layer names: " + crowded));
        // The share labels shown sit inside their own segment's row.
        const double row = std::abs(bars->yAxis->coordToPixel(1) - bars->yAxis->coordToPixel(0));
        int shown = 0;
        for (int i = 0; i < bars->itemCount(); ++i)
            if (auto* label = qobject_cast<QCPItemText*>(bars->item(i));
                label && label->visible() && label->property("share").isValid()) {
                ++shown;
                QVERIFY2(QFontMetricsF(label->font()).height() <= row, qPrintable(label->text()));
            }
        QVERIFY2(shown > 0, "some shares are written on their bars");
        QCustomPlot* rounds = nullptr;
        for (QCustomPlot* plot : view->findChildren<QCustomPlot*>())
            if (plot != bars)
                rounds = plot;
        QVERIFY(rounds);
        crowded = testing::crowded_ticks(rounds->yAxis);
        QVERIFY2(crowded.isEmpty(), qPrintable("share ticks: " + crowded));
        // Titles whole, every line within the chart.
        for (QCustomPlot* plot : {bars, rounds})
            for (QCPLayoutElement* element : plot->plotLayout()->elements(true))
                if (auto* title = qobject_cast<QCPTextElement*>(element)) {
                    const QString wide = testing::too_wide(title->text(), title->font(), plot->width());
                    QVERIFY2(wide.isEmpty(), qPrintable(wide));
                }
        // The layer names beside the chart: the legend has the room it asks for.
        QVERIFY(rounds->legend->visible());
        QVERIFY2(rounds->legend->outerRect().width() >= rounds->legend->minimumOuterSizeHint().width(),
                 qPrintable(QStringLiteral("%1 < %2")
                                .arg(rounds->legend->outerRect().width())
                                .arg(rounds->legend->minimumOuterSizeHint().width())));
        QVERIFY(rounds->rect().contains(rounds->legend->outerRect()));
    }

    // A lanes run's long title wraps within its column, and the legend
    // beside the axes keeps the room its names ask for.
    void lanesAccuracyTitleAndLegendAreWhole() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ExperimentConfig config;
        config.mode = Mode::Lanes;
        config.lanes = {"avg", "max", "ties", "fedadam"};
        config.compare = config.lanes;
        config.split.train_fraction = 0.1; // the paper's note takes a row too, as in a quick run
        RunModel* model = window.runModel();
        model->startLive(config);
        for (const std::string lane : {"avg", "max"}) {
            RunStarted started;
            started.lane = lane;
            started.envs.resize(2);
            started.envs[0].classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            started.envs[1].classes = started.envs[0].classes;
            started.batches_per_round = 10;
            emit window.runner()->runStarted(started);
            for (int r = 1; r <= 3; ++r)
                model->appendRound(lane, lane_round(r, lane, 0.6 + 0.05 * r));
        }
        auto* page = window.view<AccuracyPage>();
        show_tab(window, page);
        AccuracyChart* chart = page->chart();
        QVERIFY2(chart->titleText().contains("one experiment per lane"), qPrintable(chart->titleText()));
        QCustomPlot* plot = chart->plot();
        QCPLegend* legend = plot->legend;
        QVERIFY(legend->visible());
        QVERIFY2(legend->itemCount() >= 4, qPrintable(QString::number(legend->itemCount())));
        QVERIFY2(legend->outerRect().width() >= legend->minimumOuterSizeHint().width(),
                 qPrintable(QStringLiteral("legend %1 px wide, its names need %2")
                                .arg(legend->outerRect().width())
                                .arg(legend->minimumOuterSizeHint().width())));
        QVERIFY(plot->rect().contains(legend->outerRect()));
        int titles = 0;
        for (QCPLayoutElement* element : plot->plotLayout()->elements(true))
            if (auto* title = qobject_cast<QCPTextElement*>(element);
                title && title->text().contains("lane")) {
                ++titles;
                const QString wide =
                    testing::too_wide(title->text(), title->font(), plot->axisRect()->outerRect().width());
                QVERIFY2(wide.isEmpty(), qPrintable(wide));
            }
        QCOMPARE(titles, 1);
    }

    // What the first round is doing, written where its points will be:
    // wrapped within the axes, not cut at both ends.
    void liveAccuracyPlaceholderIsWhole() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.runModel()->startLive(ExperimentConfig{});
        PhaseChanged phase;
        phase.round = 1;
        phase.phase = Phase::Evaluating;
        phase.method = "avg";
        emit window.runner()->phaseChanged(phase);
        auto* page = window.view<AccuracyPage>();
        show_tab(window, page);
        AccuracyChart* chart = page->chart();
        QVERIFY2(chart->emptyText().contains("once the round has ended"), qPrintable(chart->emptyText()));
        QCustomPlot* plot = chart->plot();
        int texts = 0;
        for (int i = 0; i < plot->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)); text && text->visible()) {
                ++texts;
                const QString wide = testing::too_wide(text->text(), text->font(), plot->axisRect()->width());
                QVERIFY2(wide.isEmpty(), qPrintable(wide));
            }
        QVERIFY(texts >= 1);
    }

    void confusionCountsStayInsideTheirCells() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        auto* view = window.view<ConfusionView>();
        show_tab(window, view);
        // Counts of one row: each no wider than the step to the next, less
        // the diagonal's outline.
        QMap<int, QList<QRectF>> rows;
        for (const auto& t : testing::painted_texts(view))
            if (QRegularExpression("^[0-9,]+$").match(t.text).hasMatch())
                rows[qRound(t.rect.center().y())] << t.rect;
        int checked = 0;
        for (auto& row : rows) {
            if (row.size() < 10)
                continue; // a caption's number, not a row of the matrix
            std::sort(row.begin(), row.end(),
                      [](const QRectF& a, const QRectF& b) { return a.center().x() < b.center().x(); });
            const double cell = (row.last().center().x() - row.first().center().x()) / (row.size() - 1);
            for (const QRectF& r : row) {
                ++checked;
                QVERIFY2(r.width() <= cell - 8 + 0.5,
                         qPrintable(QStringLiteral("%1 px in a %2 px cell").arg(r.width()).arg(cell)));
            }
        }
        QVERIFY2(checked >= 100, qPrintable(QString::number(checked)));
    }

    void lossPlaceholderIsWhole() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Opened while another tab shows: the chart is first laid out hidden.
        window.findChild<QTabWidget*>()->setCurrentWidget(window.view<ConfusionView>());
        QVERIFY(window.openRun(run_));
        auto* page = window.view<AccuracyPage>();
        show_tab(window, page);
        QCustomPlot* plot = page->lossChart()->plot();
        int texts = 0;
        for (int i = 0; i < plot->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)); text && text->visible()) {
                ++texts;
                const double room = plot->axisRect()->width();
                const QString wide = testing::too_wide(text->text(), text->font(), room);
                QVERIFY2(wide.isEmpty(), qPrintable(wide));
                // Wrapped to the chart's width, not to a narrow column.
                const QString flat = QString(text->text()).replace('\n', ' ');
                const double total = QFontMetricsF(text->font()).horizontalAdvance(flat);
                const int lines = int(text->text().count('\n')) + 1;
                QVERIFY2(lines <= 1 + int(total / (room * 0.6)),
                         qPrintable(
                             QStringLiteral("%1 lines for %2 px in %3 px").arg(lines).arg(total).arg(room)));
            }
        QCOMPARE(texts, 1);
    }
};

static int run_test_small_screen(int argc, char** argv) {
    QTemporaryDir screen;
    testing::use_offscreen_screen(screen, 1024, 600);
    QApplication app(argc, argv);
    TestSmallScreen test;
    return QTest::qExec(&test, argc, argv);
}
MERGELAB_REGISTER_TEST_RUNNER(test_small_screen, run_test_small_screen)

} // namespace test_small_screen

#include "test_small_screen.moc"
