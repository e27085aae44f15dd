// Presentation mode: at 1280x720 every chart text
// and the flow view's captions are at least 18 px high, the zoom is
// remembered, and leaving gives back the window as it was.
#include <QtTest>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFontMetricsF>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPainterPath>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <cmath>

#include "flow_view.h"
#include "focus_ring.h"
#include "main_window.h"
#include "provenance_view.h"
#include "support/test_main.h"
#include "ui_fixture.h"
#include "zoom.h"

namespace test_presentation {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

constexpr double kLeast = 18.0; // px, readable from the back of a room on a projector

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

// Every widget under `root` that shows text: its font's line height. Hidden
// widgets say nothing to the room and are left out.
void widget_texts(QWidget* root, const QString& where, std::vector<Measured>& out) {
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisible() || w->window() != root->window())
            continue;
        QString text;
        if (auto* label = qobject_cast<QLabel*>(w))
            text = label->text();
        else if (auto* button = qobject_cast<QAbstractButton*>(w))
            text = button->text();
        else if (auto* combo = qobject_cast<QComboBox*>(w))
            text = combo->currentText();
        else if (auto* edit = qobject_cast<QLineEdit*>(w))
            text = edit->text().isEmpty() ? edit->placeholderText() : edit->text();
        else if (auto* bar = qobject_cast<QProgressBar*>(w); bar && bar->isTextVisible())
            text = bar->text();
        else if (auto* tabs = qobject_cast<QTabBar*>(w); tabs && tabs->count() > 0)
            text = tabs->tabText(0);
        else if (auto* items = qobject_cast<QAbstractItemView*>(w);
                 items && items->model() && items->model()->rowCount() > 0)
            text = items->model()->index(0, 0).data().toString();
        if (!text.trimmed().isEmpty())
            out.push_back({where + " " + w->metaObject()->className() + " '" + text.left(40) + "'",
                           height_of(w->font())});
    }
}

// What the window's own widgets paint (the views' matrices, maps, cards):
// every text item drawn, with its font.
void painted_texts_under(QWidget* root, const QString& where, std::vector<Measured>& out) {
    QList<QWidget*> painters{root};
    for (QWidget* w : root->findChildren<QWidget*>())
        if (QByteArray(w->metaObject()->className()).startsWith("mergelab::ui::"))
            painters << w;
    for (QWidget* w : painters) {
        if (!w->isVisible())
            continue;
        for (const auto& t : testing::painted_texts(w))
            if (!t.text.trimmed().isEmpty())
                out.push_back({where + " painted '" + t.text.left(40) + "'", height_of(t.font)});
    }
}

} // namespace

class TestPresentation : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString run_;
    QString lanes_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(dir_.isValid());
        run_ = dir_.filePath("run");
        testing::write_small_run(dir_.filePath("data"), run_);
        // Two lanes over two seeds, with long names: the Accuracy tab then
        // shows its band switch above the chart.
        lanes_ = dir_.filePath("lanes");
        ExperimentConfig c = testing::small_config(2, dir_.filePath("data").toStdString());
        c.mode = Mode::Lanes;
        c.lanes = {"avg+fedprox:mu=0.01@ccvr:copy=1", "avg+scaffold@ccvr:copy=1"};
        c.repeats = 2;
        c.out_dir = lanes_.toStdString();
        run_experiment(c, load_fashion_mnist(c.data_dir));
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

    // The Accuracy tab of lanes over seeds in presentation mode: both
    // charts, the band switch and the status bar on a 1280x720 screen.
    // Each chart asked for its least height times the zoom, and the loss
    // chart's axis and the status bar fell below the screen.
    void lanesOverSeedsFitTheScreen_data() {
        QTest::addColumn<int>("zoomSteps");
        QTest::newRow("presentation zoom") << 0;
        QTest::newRow("zoomed in twice") << 2;
    }
    void lanesOverSeedsFitTheScreen() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(lanes_));
        window.showTab("accuracy");
        window.setPresentation(true);
        QFETCH(int, zoomSteps);
        for (int i = 0; i < zoomSteps; ++i)
            window.zoomBy(+1);
        QCoreApplication::processEvents();
        QCOMPARE(window.geometry().size(), QSize(1280, 720));
        QVERIFY2(window.minimumSizeHint().height() <= 720,
                 qPrintable(QString::number(window.minimumSizeHint().height())));
        QStatusBar* status = window.statusBar();
        const int statusTop = status->mapTo(&window, QPoint(0, 0)).y();
        QVERIFY(status->isVisible());
        QVERIFY2(statusTop + status->height() <= 720,
                 qPrintable(QString::number(statusTop + status->height())));
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs);
        int plots = 0;
        for (QCustomPlot* plot : tabs->currentWidget()->findChildren<QCustomPlot*>()) {
            if (!plot->isVisible())
                continue;
            ++plots;
            const QRect r(plot->mapTo(&window, QPoint(0, 0)), plot->size());
            QVERIFY2(r.bottom() < statusTop,
                     qPrintable(QStringLiteral("a chart ends at %1, the status bar begins at %2")
                                    .arg(r.bottom())
                                    .arg(statusTop)));
        }
        QCOMPARE(plots, 2); // accuracy and training loss
        auto* band = window.findChild<QToolButton*>("bandButton");
        QVERIFY(band && band->isVisible());
    }

    // A window that fills the screen with both docks shown: at the
    // presentation zoom its least size is taller than the screen, and the
    // window came back taller, its status bar below the screen.
    void leavingAFullSizedWindowKeepsItOnTheScreen() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setGeometry(0, 0, 1264, 680);
        QCoreApplication::processEvents();
        const QRect before = window.geometry();
        window.setPresentation(true);
        QCoreApplication::processEvents();
        QTest::keyClick(&window, Qt::Key_Escape);
        QTest::qWait(150);
        QVERIFY(!window.isPresenting());
        QCOMPARE(window.geometry(), before);
        QVERIFY(window.frameGeometry().bottom() < 720);
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

    // Three environments in presentation: the boxes one size, and no two
    // arrow labels over each other.
    void flowOfThreeEnvironmentsInPresentation() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        window.setPresentation(true);
        FlowView* flow = window.view<FlowView>();
        window.findChild<QTabWidget*>()->setCurrentWidget(flow);
        QCoreApplication::processEvents();
        const std::vector<QRectF> boxes = flow->environmentBoxes();
        QCOMPARE(boxes.size(), size_t(3));
        for (const QRectF& box : boxes) {
            QVERIFY2(std::abs(box.width() - boxes[0].width()) < 0.5 &&
                         std::abs(box.height() - boxes[0].height()) < 0.5,
                     qPrintable(QStringLiteral("%1x%2 and %3x%4")
                                    .arg(box.width())
                                    .arg(box.height())
                                    .arg(boxes[0].width())
                                    .arg(boxes[0].height())));
        }
        std::vector<testing::PaintedText> labels;
        for (const auto& t : testing::painted_texts(flow))
            if (t.text == QLatin1String("weights") || t.text == QLatin1String("merged model"))
                labels.push_back(t);
        QVERIFY2(labels.size() >= 3, qPrintable(QString::number(labels.size())));
        for (size_t i = 0; i < labels.size(); ++i)
            for (size_t j = i + 1; j < labels.size(); ++j) {
                QPainterPath a, b;
                a.addPolygon(labels[i].shape);
                b.addPolygon(labels[j].shape);
                QVERIFY2(!a.intersects(b), qPrintable(QStringLiteral("'%1' at %2,%3 over '%4' at %5,%6")
                                                          .arg(labels[i].text)
                                                          .arg(labels[i].rect.x())
                                                          .arg(labels[i].rect.y())
                                                          .arg(labels[j].text)
                                                          .arg(labels[j].rect.x())
                                                          .arg(labels[j].rect.y())));
            }
        window.setPresentation(false);
    }

    // Provenance at 1280x720: the share chart's ticks apart, and the
    // element map names the round the scrubber is at.
    void provenanceFollowsTheScrubber() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        auto* view = window.view<ProvenanceView>();
        window.findChild<QTabWidget*>()->setCurrentWidget(view);
        auto* scrubber = window.findChild<QSlider*>("roundScrubber");
        QVERIFY(scrubber);
        QCOMPARE(scrubber->value(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(view->mapReady(), 10000);
        QVERIFY2(view->mapStatus().contains("round 2"), qPrintable(view->mapStatus()));
        scrubber->setValue(1);
        QTRY_VERIFY_WITH_TIMEOUT(view->mapReady() && view->mapStatus().contains("round 1"), 10000);
        QVERIFY2(!view->mapStatus().contains("round 2"), qPrintable(view->mapStatus()));
        for (QCustomPlot* plot : view->findChildren<QCustomPlot*>()) {
            plot->replot();
            QCoreApplication::processEvents();
            plot->replot();
            const QString crowded = testing::crowded_ticks(plot->yAxis);
            QVERIFY2(crowded.isEmpty(), qPrintable(crowded));
        }
    }

    // Provenance at 1280x720, as opened and in presentation: both charts
    // and the sign-flip line in view, nothing below the tab's fold (in
    // Korean: test_korean).
    void provenanceFitsWithoutScrolling_data() {
        QTest::addColumn<bool>("present");
        QTest::newRow("window") << false;
        QTest::newRow("presentation") << true;
    }
    void provenanceFitsWithoutScrolling() {
        QFETCH(bool, present);
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        auto* view = window.view<ProvenanceView>();
        window.findChild<QTabWidget*>()->setCurrentWidget(view);
        QTRY_VERIFY_WITH_TIMEOUT(view->mapReady(), 10000);
        auto* scroll = view->findChild<QScrollArea*>();
        QVERIFY(scroll);
        window.setPresentation(present);
        for (int i = 0; i < 3; ++i) {
            QCoreApplication::processEvents();
            for (QCustomPlot* plot : view->findChildren<QCustomPlot*>())
                plot->replot(); // the room a chart asks for follows its fonts
        }
        QCoreApplication::processEvents();
        QVERIFY(!view->signFlips().isEmpty());
        // The share axis's last label, "100", within the chart.
        QCustomPlot* bars = view->plot();
        const double half = QFontMetricsF(bars->xAxis->tickLabelFont()).horizontalAdvance("100") / 2;
        QVERIFY2(bars->axisRect()->right() + half <= bars->width(),
                 qPrintable(QStringLiteral("axis ends at %1, chart at %2")
                                .arg(bars->axisRect()->right())
                                .arg(bars->width())));
        QVERIFY2(scroll->verticalScrollBar()->maximum() == 0,
                 qPrintable(QStringLiteral("%1 px below the fold (view %2 px high)")
                                .arg(scroll->verticalScrollBar()->maximum())
                                .arg(scroll->viewport()->height())));
    }

    // Keyboard focus seen from the back of a room: a ring of the focus
    // colour, at least 2 px wide, around each kind of control.
    void focusIsARingSeenFromAfar() {
        QWidget panel;
        auto* layout = new QVBoxLayout(&panel);
        auto* button = new QPushButton("Start");
        auto* edit = new QLineEdit("/data");
        auto* combo = new QComboBox;
        combo->addItems({"avg", "max"});
        auto* check = new QCheckBox("Lesson");
        auto* spin = new QSpinBox;
        for (QWidget* w : std::initializer_list<QWidget*>{button, edit, combo, check, spin})
            layout->addWidget(w);
        MainWindow window; // installs the window's style
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        // Contrast against the window's background (WCAG's ratio).
        auto relative = [](const QColor& c) {
            auto channel = [](double v) {
                return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
            };
            return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
        };
        const QColor ring = focus_ring_color();
        const QColor background = panel.palette().color(QPalette::Window);
        const double contrast = (relative(background) + 0.05) / (relative(ring) + 0.05);
        QVERIFY2(contrast >= 7.0, qPrintable(QString::number(contrast)));
        for (QWidget* w : std::initializer_list<QWidget*>{button, edit, combo, check, spin}) {
            w->clearFocus(); // the first one took the focus when the panel showed
            QCoreApplication::processEvents();
            const QImage before = w->grab().toImage();
            w->setFocus(Qt::TabFocusReason);
            QTRY_VERIFY(w->hasFocus());
            QCoreApplication::processEvents();
            const QImage after = w->grab().toImage();
            // Pixels of the ring's colour that focus added.
            int ringPixels = 0;
            for (int y = 0; y < after.height(); ++y)
                for (int x = 0; x < after.width(); ++x) {
                    const QColor c = after.pixelColor(x, y);
                    if (c != before.pixelColor(x, y) && std::abs(c.red() - ring.red()) < 40 &&
                        std::abs(c.green() - ring.green()) < 40 && std::abs(c.blue() - ring.blue()) < 40)
                        ++ringPixels;
                }
            // A ring 2 px wide around at least the text, for a check box.
            const int least = w == check ? 2 * (w->fontMetrics().horizontalAdvance(check->text()) + 10) * 2
                                         : 2 * (w->width() + w->height()) * 2 * 8 / 10;
            QVERIFY2(ringPixels >= least,
                     qPrintable(QStringLiteral("%1: %2 ring pixels, %3 wanted")
                                    .arg(QString::fromLatin1(w->metaObject()->className()))
                                    .arg(ringPixels)
                                    .arg(least)));
        }
    }

    // Every text of the window in presentation mode, from font metrics:
    // every chart of every tab, what each view paints, every label,
    // selector and button, the menus, tool bars, tab bar and status bar.
    void everyTextIsLargeEnoughOrHidden() {
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

        // The window around the views: menus (each opens with the font it
        // has now), tool bars, the tab bar and the status bar.
        if (window.menuBar()->isVisible()) {
            all.push_back({"menu bar", height_of(window.menuBar()->font())});
            for (QMenu* menu : window.menuBar()->findChildren<QMenu*>())
                all.push_back({"menu " + menu->title(), height_of(menu->font())});
        }
        for (QToolBar* bar : window.findChildren<QToolBar*>())
            if (bar->isVisible())
                widget_texts(bar, "tool bar " + bar->windowTitle(), all);
        widget_texts(window.statusBar(), "status bar", all);
        // Every tab: its labels, selectors and buttons, and what it paints.
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QTest::qWait(50);
            const QString where = tabs->tabText(i).remove('&');
            widget_texts(tabs->widget(i), where, all);
            painted_texts_under(tabs->widget(i), where, all);
        }
        widget_texts(tabs->tabBar(), "tab bar", all);
        if (QWidget* corner = tabs->cornerWidget(Qt::TopRightCorner))
            all.push_back({"tab help button", height_of(corner->font())});

        const auto least = std::min_element(all.begin(), all.end(),
                                            [](const Measured& a, const Measured& b) { return a.px < b.px; });
        QVERIFY(least != all.end());
        qInfo("smallest text in presentation mode at 1280x720: %.1f px (%s); %d texts measured", least->px,
              qPrintable(least->what), static_cast<int>(all.size()));
        QStringList small;
        for (const Measured& m : all)
            if (m.px < kLeast)
                small << QStringLiteral("%1: %2 px").arg(m.what).arg(m.px, 0, 'f', 1);
        small.removeDuplicates();
        QVERIFY2(small.isEmpty(), qPrintable(small.join('\n')));
    }
};

static int run_test_presentation(int argc, char** argv) {
    QTemporaryDir screen;
    testing::use_offscreen_screen(screen, 1280, 720);
    QApplication app(argc, argv);
    TestPresentation test;
    return QTest::qExec(&test, argc, argv);
}
MERGELAB_REGISTER_TEST_RUNNER(test_presentation, run_test_presentation)

} // namespace test_presentation

#include "test_presentation.moc"
