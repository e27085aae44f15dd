// Presentation mode (issue 15, must show 4): at 1280x720 every chart text
// and the flow view's captions are at least 18 px high, the zoom is
// remembered, and leaving gives back the window as it was.
#include <QtTest>

#include <QDockWidget>
#include <QFontMetricsF>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolBar>

#include <qcustomplot.h>

#include "flow_view.h"
#include "main_window.h"
#include "ui_fixture.h"
#include "zoom.h"

using namespace mergelab;
using namespace mergelab::ui;

namespace {

constexpr double kLeast = 18.0; // px, the bar for a projector

struct Measured {
    QString what;
    double px = 0;
};

double height_of(const QFont& font) {
    return QFontMetricsF(font).height();
}

// Every text a plot shows now: axis labels and tick labels, legend, titles,
// text items.
std::vector<Measured> plot_texts(QCustomPlot* plot, const QString& where) {
    std::vector<Measured> out;
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes()) {
            if (!axis->visible())
                continue;
            if (!axis->label().isEmpty())
                out.push_back({where + " axis label " + axis->label(), height_of(axis->labelFont())});
            if (axis->tickLabels())
                out.push_back({where + " tick labels", height_of(axis->tickLabelFont())});
        }
    if (plot->legend->visible()) {
        out.push_back({where + " legend", height_of(plot->legend->font())});
        for (int i = 0; i < plot->legend->itemCount(); ++i)
            out.push_back({where + " legend item", height_of(plot->legend->item(i)->font())});
    }
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
        if (auto* t = qobject_cast<QCPTextElement*>(e); t && t->visible() && !t->text().isEmpty())
            out.push_back({where + " title " + t->text(), height_of(t->font())});
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* t = qobject_cast<QCPItemText*>(plot->item(i)); t && t->visible() && !t->text().isEmpty())
            out.push_back({where + " text " + t->text(), height_of(t->font())});
    return out;
}

} // namespace

class TestPresentation : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString run_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(dir_.isValid());
        run_ = dir_.filePath("run");
        testing::write_small_run(dir_.filePath("data"), run_);
    }

    void cleanup() { QSettings().clear(); }

    void leavingRestoresTheWindow() {
        MainWindow window;
        window.resize(1100, 640);
        window.move(20, 30);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* setup = window.findChild<QDockWidget*>("setupDock");
        auto* log = window.findChild<QDockWidget*>("logDock");
        QVERIFY(setup && log);
        // A window the user arranged: no log.
        log->hide();
        QCoreApplication::processEvents();
        const QRect before = window.geometry();
        const int setupWidth = setup->width();
        QCOMPARE(zoom(), 1.0);

        QTest::keyClick(&window, Qt::Key_F11);
        QCoreApplication::processEvents();
        QVERIFY(window.isPresenting());
        QVERIFY(window.isFullScreen());
        QCOMPARE(window.geometry().size(), QSize(1280, 720));
        QVERIFY(!setup->isVisible());
        QVERIFY(!log->isVisible());
        QVERIFY(window.presentationAction()->isChecked());
        QVERIFY(zoom() > 1.0);

        QTest::keyClick(&window, Qt::Key_Escape);
        QCoreApplication::processEvents();
        QVERIFY(!window.isPresenting());
        QVERIFY(!window.isFullScreen());
        QCOMPARE(window.geometry(), before);
        QVERIFY(setup->isVisible());
        QVERIFY(!log->isVisible());
        QCOMPARE(setup->width(), setupWidth);
        QVERIFY(!window.presentationAction()->isChecked());
        QCOMPARE(zoom(), 1.0);

        // F11 leaves as well.
        QTest::keyClick(&window, Qt::Key_F11);
        QCoreApplication::processEvents();
        QVERIFY(window.isPresenting());
        QTest::keyClick(&window, Qt::Key_F11);
        QCoreApplication::processEvents();
        QVERIFY(!window.isPresenting());
        QCOMPARE(window.geometry(), before);
    }

    void zoomIsRememberedPerMode() {
        double presenting = 0;
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QTest::keyClick(&window, Qt::Key_Equal, Qt::ControlModifier); // Ctrl+=, as Ctrl++ without Shift
            QCOMPARE(zoom(), 1.1);
            window.setPresentation(true);
            const double start = zoom();
            QTest::keyClick(&window, Qt::Key_Minus, Qt::ControlModifier);
            presenting = zoom();
            QVERIFY(presenting < start);
            window.setPresentation(false);
            QCOMPARE(zoom(), 1.1);
        }
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.zoomFactor(), 1.1);
        again.setPresentation(true);
        QCOMPARE(zoom(), presenting);
        // Ctrl+0: back to the mode's own default.
        QTest::keyClick(&again, Qt::Key_0, Qt::ControlModifier);
        QVERIFY(zoom() > presenting);
        again.setPresentation(false);
        QTest::keyClick(&again, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(zoom(), 1.0);
    }

    // Must show 4, from the font metrics of every chart of every tab and of
    // the flow view's painted captions.
    void everyChartTextIsLargeEnough() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        window.setPresentation(true);
        QCoreApplication::processEvents();
        QCOMPARE(window.geometry().size(), QSize(1280, 720));
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs);

        std::vector<Measured> all;
        int plots = 0;
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QCoreApplication::processEvents();
            QWidget* page = tabs->widget(i);
            for (QCustomPlot* plot : page->findChildren<QCustomPlot*>()) {
                if (!plot->isVisible())
                    continue;
                plot->replot(); // as a queued replot would, now
                ++plots;
                const auto texts = plot_texts(plot, tabs->tabText(i).remove('&'));
                all.insert(all.end(), texts.begin(), texts.end());
            }
        }
        // Accuracy and loss, histogram, provenance (two), scatter, interpolation, class accuracy.
        QVERIFY2(plots >= 8, qPrintable(QString::number(plots)));

        tabs->setCurrentIndex(tabs->indexOf(window.view<FlowView>()->widget()));
        QCoreApplication::processEvents();
        FlowView* flow = window.view<FlowView>();
        // A wrapped caption is painted a line at a time.
        QString painted;
        for (const auto& t : testing::painted_texts(flow)) {
            painted += t.text;
            all.push_back({"flow: " + t.text, height_of(t.font)});
        }
        QVERIFY2(painted.contains(flow->caption().section(' ', 0, 2)), qPrintable(painted));

        const auto least = std::min_element(all.begin(), all.end(),
                                            [](const Measured& a, const Measured& b) { return a.px < b.px; });
        QVERIFY(least != all.end());
        qInfo("smallest text in presentation mode at 1280x720: %.1f px (%s); %d texts measured", least->px,
              qPrintable(least->what), static_cast<int>(all.size()));
        for (const Measured& m : all)
            QVERIFY2(m.px >= kLeast, qPrintable(QStringLiteral("%1: %2 px").arg(m.what).arg(m.px)));
    }
};

int main(int argc, char** argv) {
    QTemporaryDir screen;
    testing::use_offscreen_screen(screen, 1280, 720);
    QApplication app(argc, argv);
    TestPresentation test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_presentation.moc"
