#pragma once
// What the window-wide UI tests share: an offscreen screen of a chosen size,
// a small real run saved to disk, and the texts a widget paints.
#include <QByteArray>
#include <QFile>
#include <QFont>
#include <QKeySequence>
#include <QMainWindow>
#include <QMap>
#include <QMenuBar>
#include <QPaintDevice>
#include <QPaintEngine>
#include <QPainter>
#include <QPolygonF>
#include <QString>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTransform>
#include <QWidget>

#include <cmath>
#include <memory>

#include <qcustomplot.h>
#include <vector>

#include "mergelab/dataset.h"
#include "mergelab/experiment.h"
#include "support/synthetic.h"

namespace mergelab::testing {

// Call before QApplication exists: the offscreen platform then has one
// screen of `width` x `height` at 96 dpi. `dir` must outlive the app.
inline void use_offscreen_screen(const QTemporaryDir& dir, int width, int height) {
    const QString config = dir.filePath("screen.json");
    QFile file(config);
    if (file.open(QIODevice::WriteOnly))
        file.write(
            QStringLiteral(R"({"screens": [{"name": "projector", "x": 0, "y": 0, "width": %1, "height": %2,
                                      "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})")
                .arg(width)
                .arg(height)
                .toUtf8());
    file.close();
    qputenv("QT_QPA_PLATFORM", QByteArray("offscreen:configfile=") + config.toUtf8());
}

// Synthetic data in `data_dir` and a two-round H run of three environments
// (baseline, every round's models) saved in `run_dir`, so every view has
// something to draw.
inline void write_small_run(const QString& data_dir, const QString& run_dir) {
    SyntheticSpec spec;
    spec.train_per_class = 40;
    spec.test_per_class = 10;
    write_synthetic_fashion_mnist(data_dir.toStdString(), spec);
    ExperimentConfig c = small_config(2, data_dir.toStdString());
    c.split.kind = "H";
    c.split.envs = 3;
    c.baseline = true;
    c.save_all = true;
    c.out_dir = run_dir.toStdString();
    const FashionMnist data = load_fashion_mnist(c.data_dir);
    run_experiment(c, data);
}

struct PaintedText {
    QString text;
    QFont font;
    QRectF rect;     // where, in the widget's pixels: the bounds of
    QPolygonF shape; // the text's own box, turned as it was drawn
};

// A paint device that draws nothing and keeps every text item painted on
// it, with its font: what a widget's paintEvent says, without pixels.
class TextRecorder : public QPaintDevice {
public:
    explicit TextRecorder(QSize size)
        : size_(size)
        , engine_(this) {}
    ~TextRecorder() override {
        // QPaintDevice requires no painter to be active on destruction.
    }
    QPaintEngine* paintEngine() const override { return &engine_; }
    const std::vector<PaintedText>& texts() const { return texts_; }

protected:
    int metric(PaintDeviceMetric m) const override {
        switch (m) {
        case PdmWidth:
            return size_.width();
        case PdmHeight:
            return size_.height();
        case PdmWidthMM:
            return size_.width() * 254 / 960;
        case PdmHeightMM:
            return size_.height() * 254 / 960;
        case PdmNumColors:
            return 0x7fffffff;
        case PdmDepth:
            return 32;
        case PdmDpiX:
        case PdmDpiY:
        case PdmPhysicalDpiX:
        case PdmPhysicalDpiY:
            return 96;
        case PdmDevicePixelRatio:
            return 1;
        case PdmDevicePixelRatioScaled:
            return static_cast<int>(devicePixelRatioFScale());
        }
        return 0;
    }

private:
    class Engine : public QPaintEngine {
    public:
        explicit Engine(TextRecorder* owner)
            : QPaintEngine(AllFeatures)
            , owner_(owner) {}
        bool begin(QPaintDevice*) override { return true; }
        bool end() override { return true; }
        void updateState(const QPaintEngineState&) override {}
        void drawPixmap(const QRectF&, const QPixmap&, const QRectF&) override {}
        void drawImage(const QRectF&, const QImage&, const QRectF&, Qt::ImageConversionFlags) override {}
        void drawPath(const QPainterPath&) override {}
        void drawPolygon(const QPointF*, int, PolygonDrawMode) override {}
        void drawTextItem(const QPointF& at, const QTextItem& item) override {
            const QRectF box(at.x(), at.y() - item.ascent(), item.width(), item.ascent() + item.descent());
            const QTransform t = painter() ? painter()->combinedTransform() : QTransform();
            owner_->texts_.push_back({item.text(), item.font(), t.mapRect(box), t.map(QPolygonF(box))});
        }
        Type type() const override { return User; }

    private:
        TextRecorder* owner_;
    };

    QSize size_;
    mutable Engine engine_;
    std::vector<PaintedText> texts_;
};

// The texts `widget` paints itself (its children left out), in its current size.
inline std::vector<PaintedText> painted_texts(QWidget* widget) {
    TextRecorder recorder(widget->size());
    widget->render(&recorder, QPoint(), QRegion(), QWidget::DrawWindowBackground);
    return recorder.texts();
}

// Neighbouring tick labels of `axis` at least their own height apart
// (vertical axes) or their width (horizontal ones): "" when so, else which.
inline QString crowded_ticks(QCPAxis* axis) {
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    const QFontMetricsF fm(axis->tickLabelFont());
    for (int i = 1; i < ticks.size() && i < labels.size(); ++i) {
        const double apart = std::abs(axis->coordToPixel(ticks[i]) - axis->coordToPixel(ticks[i - 1]));
        const double need = axis->orientation() == Qt::Vertical
                                ? fm.height()
                                : (fm.horizontalAdvance(labels[i]) + fm.horizontalAdvance(labels[i - 1])) / 2;
        if (apart < need)
            return QStringLiteral("'%1' and '%2' %3 px apart, %4 px high")
                .arg(labels[i - 1], labels[i])
                .arg(apart, 0, 'f', 1)
                .arg(need, 0, 'f', 1);
    }
    return {};
}

// Every line of a title or text item no wider than `room`.
inline QString too_wide(const QString& text, const QFont& font, double room) {
    const QFontMetricsF fm(font);
    for (const QString& line : text.split('\n'))
        if (fm.horizontalAdvance(line) > room)
            return QStringLiteral("'%1' is %2 px in %3 px")
                .arg(line)
                .arg(fm.horizontalAdvance(line), 0, 'f', 0)
                .arg(room);
    return {};
}

// Alt+letter pairs that the menu bar and the view tabs both answer to: Qt
// gives an ambiguous mnemonic to one of them, and Alt+F opened the Flow tab
// rather than the File menu. Each clash as "Alt+F: &File, &Flow".
inline QStringList mnemonic_clashes(QMainWindow& window) {
    QMap<QString, QStringList> owners;
    for (QAction* menu : window.menuBar()->actions())
        if (menu->isVisible())
            owners[QKeySequence::mnemonic(menu->text()).toString()] << menu->text();
    for (QTabBar* bar : window.findChildren<QTabBar*>())
        for (int i = 0; i < bar->count(); ++i)
            owners[QKeySequence::mnemonic(bar->tabText(i)).toString()] << bar->tabText(i);
    QStringList clashes;
    for (auto it = owners.begin(); it != owners.end(); ++it)
        if (!it.key().isEmpty() && it.value().size() > 1)
            clashes << it.key() + ": " + it.value().join(", ");
    return clashes;
}

// The clashes of a new Window (MainWindow) as it first shows.
template <class Window> QStringList mnemonic_clashes_of_new() {
    Window window;
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return {"the window never showed"};
    return mnemonic_clashes(window);
}

} // namespace mergelab::testing
