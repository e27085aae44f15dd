// Exporting a view: vector PDF and SVG, PNG at three times the screen size,
// and never the selectors around a view.
#include <QtTest>

#include <QImage>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>

#include <qcustomplot.h>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "confusion_view.h"
#include "main_window.h"
#include "run_model.h"
#include "support/test_main.h"
#include "ui_fixture.h"
#include "view_export.h"

namespace test_exports {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

RunResult small_run() {
    RunResult run;
    run.config.split.envs = 2;
    run.envs.resize(2);
    run.stopped = StopReason::MaxRounds;
    for (int n = 1; n <= 3; ++n) {
        RoundResult r;
        r.round = n;
        r.primary = "avg";
        r.envs.resize(2);
        r.envs[0].val_acc = 0.8 + 0.02 * n;
        r.envs[1].val_acc = 0.82 + 0.02 * n;
        for (const char* m : {"avg", "max"}) {
            MethodMetrics metrics;
            metrics.method = m;
            metrics.test_acc = 0.7 + 0.05 * n;
            for (int c = 0; c < kFashionClasses; ++c)
                metrics.confusion[c][c] = 90, metrics.confusion[c][(c + 1) % 10] = 10;
            r.merged.push_back(metrics);
        }
        LayerHistogram h;
        h.tensor = "conv1.weight";
        h.lo = -0.5;
        h.hi = 0.5;
        h.envs = {{1, 5, 9, 5, 1}, {2, 6, 8, 4, 1}};
        h.merged["avg"] = {1, 4, 11, 4, 1};
        r.histograms.push_back(h);
        run.rounds.push_back(r);
    }
    return run;
}

// With the bytes each environment sent and received every round.
RunResult counted_run() {
    RunResult run = small_run();
    for (RoundResult& r : run.rounds)
        for (EnvRoundMetrics& e : r.envs) {
            e.sent_weight_bytes = 900'000;
            e.sent_statistics_bytes = 660'000;
            e.received_weight_bytes = 905'000;
        }
    return run;
}

QByteArray read(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int distinct_colours(const QImage& image) {
    QSet<QRgb> seen;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            seen.insert(image.pixel(x, y));
    return seen.size();
}

// What a tab shows in words: the titles of its charts, as the SVG escapes them.
QStringList shown_texts(RunView* view) {
    QStringList texts;
    for (QCustomPlot* plot : view->widget()->findChildren<QCustomPlot*>()) {
        if (!plot->isVisible())
            continue;
        for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
            if (auto* t = qobject_cast<QCPTextElement*>(e); t && t->visible() && !t->text().isEmpty())
                texts
                    << t->text().section('\n', 0, 0).section(' ', 0, 2); // a wrapped title: a line at a time
    }
    return texts;
}

} // namespace

class TestExports : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void everyViewExportsAsVectorsAndLargePictures() {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        window.runModel()->load({small_run()}, "/runs/r");
        auto* tabs = window.findChild<QTabWidget*>();
        for (RunView* view : window.views()) {
            window.showTab(view->name());
            QCoreApplication::processEvents();
            const QString base = dir_.filePath(view->name());
            QVERIFY2(window.exportView(base + ".png", 3.0), qPrintable(view->name()));
            const QImage png(base + ".png");
            QCOMPARE(png.size(), view->exportSize() * 3);
            QVERIFY(window.exportView(base + ".pdf"));
            const QByteArray pdf = read(base + ".pdf");
            QVERIFY(pdf.startsWith("%PDF"));
            QVERIFY2(!pdf.contains("/DCTDecode"), qPrintable(view->name() + ": a JPEG inside the PDF"));
            if (export_formats().contains("svg")) {
                QVERIFY(window.exportView(base + ".svg"));
                QVERIFY(read(base + ".svg").contains("<svg"));
            }
            Q_UNUSED(tabs);
        }
        // The charts are lines and text, not a picture of them.
        const QByteArray accuracy = read(dir_.filePath("accuracy.pdf"));
        QVERIFY(!accuracy.contains("/Subtype /Image"));
        if (export_formats().contains("svg"))
            QVERIFY(!read(dir_.filePath("accuracy.svg")).contains("<image"));
        // The confusion matrix without its "Show:" selector above it.
        auto* confusion = window.view<ConfusionView>();
        QVERIFY(confusion->exportSize().height() < confusion->height() - 20);
    }

    // Provenance, scatter, interpolation and per-class were exported as an
    // empty background: every tab's picture now holds its charts and words.
    void everyTabExportsWhatItShows() {
        QTemporaryDir work;
        const QString run = work.filePath("run");
        testing::write_small_run(work.filePath("data"), run);
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run));
        for (RunView* view : window.views()) {
            window.showTab(view->name());
            // The views that read models do so on a pool thread.
            QTest::qWait(300);
            QCoreApplication::processEvents();
            const QString base = work.filePath(view->name());
            const QString name = view->name();
            QVERIFY2(window.exportView(base + ".png", 1.0), qPrintable(name));
            QVERIFY2(distinct_colours(QImage(base + ".png")) > 8, qPrintable(name + ": a flat PNG"));
            QVERIFY(window.exportView(base + ".pdf"));
            const QByteArray pdf = read(base + ".pdf");
            QVERIFY2(pdf.contains("/FontFile") || pdf.contains("/Type /Font") || pdf.contains("/Type/Font"),
                     qPrintable(name + ": a PDF without text"));
            if (!export_formats().contains("svg"))
                continue;
            QVERIFY(window.exportView(base + ".svg"));
            const QString svg = QString::fromUtf8(read(base + ".svg"));
            QVERIFY2(svg.count(QStringLiteral("<text")) >= 3, qPrintable(name + ": an SVG without text"));
            for (const QString& text : shown_texts(view))
                QVERIFY2(svg.contains(text.toHtmlEscaped()),
                         qPrintable(name + ": no '" + text + "' in the SVG"));
        }
    }

    // The accuracy against traffic is what Export draws once it is chosen:
    // its axis title is in the picture's text.
    void accuracyAgainstTrafficExports() {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        window.runModel()->load({counted_run()}, "/runs/r");
        window.showTab("accuracy");
        auto* page = window.view<AccuracyPage>();
        QVERIFY(page->trafficButton()->isEnabled());
        page->trafficButton()->click();
        QCoreApplication::processEvents();
        const QString title = QStringLiteral("Cumulative traffic");
        QVERIFY2(page->chart()->xAxisTitle().startsWith(title), qPrintable(page->chart()->xAxisTitle()));
        const QString base = dir_.filePath("traffic");
        QVERIFY(window.exportView(base + ".png", 1.0));
        QVERIFY(distinct_colours(QImage(base + ".png")) > 8);
        if (export_formats().contains("svg")) {
            QVERIFY(window.exportView(base + ".svg"));
            const QString svg = QString::fromUtf8(read(base + ".svg"));
            QVERIFY2(svg.contains(title), "no axis title in the SVG");
            QVERIFY(svg.contains(QStringLiteral("this run's traffic").toHtmlEscaped()));
        }
        QVERIFY(window.exportView(base + ".pdf"));
        // A PDF's text is in its fonts' encoding: read it as a reader would.
        const QString pdftotext = QStandardPaths::findExecutable("pdftotext");
        if (pdftotext.isEmpty())
            QSKIP("pdftotext is not installed");
        QProcess process;
        process.start(pdftotext, {base + ".pdf", "-"});
        QVERIFY(process.waitForFinished(20000));
        // Compatibility form: the PDF's "ffi" comes back as one ligature.
        const QString text = QString::fromUtf8(process.readAllStandardOutput())
                                 .normalized(QString::NormalizationForm_KC)
                                 .simplified();
        QVERIFY2(text.contains(title), qPrintable(text.left(400)));
    }
};

MERGELAB_TEST_WIDGETS(test_exports, TestExports)
} // namespace test_exports

#include "test_exports.moc"
