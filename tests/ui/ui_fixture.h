#pragma once
// What the window-wide UI tests share: an offscreen screen of a chosen size,
// a small real run saved to disk, and the texts a widget paints.
#include <QByteArray>
#include <QFile>
#include <QFont>
#include <QPaintDevice>
#include <QPaintEngine>
#include <QPainter>
#include <QString>
#include <QTemporaryDir>
#include <QWidget>

#include <memory>
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
        void drawTextItem(const QPointF&, const QTextItem& item) override {
            owner_->texts_.push_back({item.text(), item.font()});
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

} // namespace mergelab::testing
