// Presentation mode (issue 15, must show 4): at 1280x720 every chart text
// and the flow view's captions are at least 18 px high, the zoom is
// remembered, and leaving gives back the window as it was.
#include <QtTest>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QComboBox>
#include <QDockWidget>
#include <QFontMetricsF>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
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

int main(int argc, char** argv) {
    QTemporaryDir screen;
    testing::use_offscreen_screen(screen, 1280, 720);
    QApplication app(argc, argv);
    TestPresentation test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_presentation.moc"
