#include "samples_view.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "palette.h"
#include "run_model.h"
#include "zoom.h"

namespace mergelab::ui {
namespace {

double ui_font_px(int width) {
    return std::clamp(width / 60.0 * zoom(), 12.0, 22.0 * zoom());
}

} // namespace

// The painted grid inside the scroll area: tiles sized from the width so a
// projector shows fewer, larger images and a laptop more, smaller ones.
class SamplesGrid : public QWidget {
    Q_OBJECT // for tr(): its texts are looked up under its own name
        public : struct Tile {
        int64_t index = 0;
        int truth = 0;
        int predicted = 0;
        QImage image;
    };

    explicit SamplesGrid(QWidget* parent)
        : QWidget(parent) {
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
    }

    void setTiles(std::vector<Tile> tiles, QString message) {
        tiles_ = std::move(tiles);
        message_ = std::move(message);
        update();
    }
    int tileCount() const { return static_cast<int>(tiles_.size()); }

    struct Metrics {
        double font = 12, pad = 6, gap = 8, tileW = 120, tileH = 160, side = 100;
        int cols = 1;
    };
    static Metrics metricsFor(int width) {
        Metrics m;
        const double w = std::max(width, 120);
        m.font = std::clamp(w / 75.0 * zoom(), 10.0, 24.0 * zoom());
        m.gap = std::clamp(w / 120.0, 5.0, 14.0);
        m.pad = m.gap * 0.6;
        const double target = std::clamp(w / 8.5, 96.0, 190.0);
        m.cols = std::max(1, static_cast<int>((w - m.gap) / (target + m.gap)));
        m.tileW = std::floor((w - m.gap * (m.cols + 1)) / m.cols);
        // Whole multiples of 28 keep the pixels square and sharp.
        const double room = m.tileW - 2 * m.pad;
        m.side = room >= 56 ? std::floor(room / 28.0) * 28.0 : std::floor(room);
        // The longest label must fit the tile rather than be elided.
        auto widest = [](double px) {
            const QFontMetricsF fm(pixel_font(QFont(), px, true));
            double most = 0;
            for (int c = 0; c < class_count(); ++c)
                most = std::max(most, fm.horizontalAdvance(tr("pred: %1").arg(class_name(c))));
            return most;
        };
        while (m.font > 9 && widest(m.font) > room)
            m.font -= 0.5;
        const double line = QFontMetricsF(pixel_font(QFont(), m.font)).height() * 1.15;
        m.tileH = std::ceil(m.pad + m.side + m.pad * 0.6 + 2 * line + m.pad);
        return m;
    }
    int heightFor(int width, int minimum) const {
        if (tiles_.empty())
            return minimum;
        const Metrics m = metricsFor(width);
        const int rows = (tileCount() + m.cols - 1) / m.cols;
        return std::max(minimum, static_cast<int>(std::ceil(m.gap + rows * (m.tileH + m.gap))));
    }

protected:
    QRectF tileRect(const Metrics& m, int i) const {
        const double totalW = m.cols * m.tileW + (m.cols - 1) * m.gap;
        const double x0 = (width() - totalW) / 2;
        return QRectF(x0 + (i % m.cols) * (m.tileW + m.gap), m.gap + (i / m.cols) * (m.tileH + m.gap),
                      m.tileW, m.tileH);
    }

    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing, true);
        if (tiles_.empty()) {
            p.setPen(QColor(90, 90, 90));
            p.setFont(pixel_font(font(), std::clamp(width() / 45.0 * zoom(), 12.0, 24.0 * zoom())));
            p.drawText(QRectF(rect()).adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                       message_);
            return;
        }
        const Metrics m = metricsFor(width());
        const QFont font = pixel_font(this->font(), m.font);
        const QFont bold = pixel_font(this->font(), m.font, true);
        const QFontMetricsF fm(bold);
        const double line = QFontMetricsF(font).height() * 1.15;
        for (int i = 0; i < tileCount(); ++i) {
            const QRectF r = tileRect(m, i);
            if (!r.intersects(p.clipBoundingRect()) && !p.clipBoundingRect().isEmpty())
                continue;
            const Tile& t = tiles_[static_cast<size_t>(i)];
            p.setPen(QPen(QColor(215, 215, 215), 1));
            p.setBrush(QColor(250, 250, 250));
            p.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
            const QRectF img(r.center().x() - m.side / 2, r.top() + m.pad, m.side, m.side);
            p.setRenderHint(QPainter::SmoothPixmapTransform, false);
            p.drawImage(img, t.image);
            const double textW = r.width() - 2 * m.pad;
            double y = img.bottom() + m.pad * 0.6;
            p.setFont(font);
            p.setPen(QColor(30, 30, 30));
            p.drawText(QRectF(r.left() + m.pad, y, textW, line), Qt::AlignHCenter | Qt::AlignVCenter,
                       QFontMetricsF(font).elidedText(tr("true: %1").arg(class_name(t.truth)), Qt::ElideRight,
                                                      textW));
            y += line;
            p.setFont(bold);
            p.setPen(QColor(200, 30, 30));
            p.drawText(QRectF(r.left() + m.pad, y, textW, line), Qt::AlignHCenter | Qt::AlignVCenter,
                       fm.elidedText(tr("pred: %1").arg(class_name(t.predicted)), Qt::ElideRight, textW));
        }
    }

    bool event(QEvent* e) override {
        if (e->type() == QEvent::ToolTip && !tiles_.empty()) {
            auto* help = static_cast<QHelpEvent*>(e);
            const Metrics m = metricsFor(width());
            for (int i = 0; i < tileCount(); ++i) {
                if (!tileRect(m, i).contains(help->pos()))
                    continue;
                const Tile& t = tiles_[static_cast<size_t>(i)];
                QToolTip::showText(help->globalPos(),
                                   tr("Test image %1: true %2, predicted %3")
                                       .arg(grouped(t.index), class_name(t.truth), class_name(t.predicted)),
                                   this);
                return true;
            }
            QToolTip::hideText();
            e->ignore();
            return true;
        }
        return QWidget::event(e);
    }

private:
    std::vector<Tile> tiles_;
    QString message_;
};

SamplesView::SamplesView(QWidget* parent)
    : QWidget(parent) {
    methodLabel_ = new QLabel(tr("Merged model:"), this);
    selector_ = new QComboBox(this);
    selector_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    header_ = new QLabel(this);
    header_->setWordWrap(true);
    header_->setTextFormat(Qt::PlainText);
    scroll_ = new QScrollArea(this);
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll_->setWidgetResizable(false);
    scroll_->setFrameShape(QFrame::NoFrame);
    grid_ = new SamplesGrid(scroll_);
    scroll_->setWidget(grid_);
    scroll_->viewport()->installEventFilter(this);

    auto* row = new QHBoxLayout;
    row->addWidget(methodLabel_);
    row->addWidget(selector_);
    row->addSpacing(12);
    row->addWidget(header_, 1);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(8, 6, 8, 6);
    column->addLayout(row);
    column->addWidget(scroll_, 1);

    connect(selector_, &QComboBox::activated, this, [this](int index) {
        method_ = selector_->itemData(index).toString();
        recompute();
    });
    on_zoom(this, [this] {
        fitFonts();
        grid_->update();
    });
    recompute();
}

QWidget* SamplesView::exportWidget() {
    return grid_;
}

QSize SamplesView::sizeHint() const {
    return {900, 600};
}
QSize SamplesView::minimumSizeHint() const {
    return {360, 260};
}

void SamplesView::setRunModel(RunModel* model) {
    connect(model, &RunModel::dataChanged, this, [this, model] { setData(model->data()); });
    if (model->data())
        setData(model->data());
    follow_rounds(
        model, this, [this](RunPtr run) { setRun(std::move(run)); }, [this](int round) { setRound(round); });
}

void SamplesView::setRun(RunPtr run) {
    run_ = std::move(run);
    rebuildMethods();
    recompute();
}

void SamplesView::setData(DataPtr data) {
    data_ = std::move(data);
    recompute();
}

void SamplesView::setRound(int round) {
    round_ = round;
    rebuildMethods();
    recompute();
}

void SamplesView::setMethod(const QString& method) {
    method_ = method;
    const int index = selector_->findData(method);
    if (index >= 0)
        selector_->setCurrentIndex(index);
    recompute();
}

QString SamplesView::method() const {
    return method_;
}

QStringList SamplesView::methods() const {
    QStringList out;
    for (int i = 0; i < selector_->count(); ++i)
        out << selector_->itemData(i).toString();
    return out;
}

int SamplesView::shownCount() const {
    return grid_->tileCount();
}
int SamplesView::mistakeCount() const {
    return mistakes_;
}
QString SamplesView::headerText() const {
    return header_->text();
}

const RoundResult* SamplesView::shownRound() const {
    return find_round(run_.get(), round_);
}

void SamplesView::rebuildMethods() {
    QStringList names;
    if (const RoundResult* round = shownRound())
        for (const auto& m : round->merged)
            names << QString::fromStdString(m.method);
    if (names != methods()) {
        const QSignalBlocker block(selector_);
        selector_->clear();
        for (const auto& name : names) {
            QPixmap icon(12, 12);
            icon.fill(method_color(name));
            selector_->addItem(QIcon(icon), name, name);
        }
    }
    int index = selector_->findData(method_);
    if (index < 0 && selector_->count() > 0) {
        // The primary method comes first in a round's list.
        index = 0;
        method_ = selector_->itemData(0).toString();
    }
    const QSignalBlocker block(selector_);
    selector_->setCurrentIndex(index);
    selector_->setEnabled(selector_->count() > 0);
}

void SamplesView::recompute() {
    mistakes_ = 0;
    std::vector<SamplesGrid::Tile> tiles;
    QString header;
    QString message;
    const RoundResult* round = shownRound();
    const MethodMetrics* metrics = round ? round->method(method_.toStdString()) : nullptr;
    if (!run_) {
        header = tr("No run yet");
        message =
            tr("Start an experiment or open a run folder to see the test images a merged model gets wrong.");
    } else if (!round) {
        header = tr("No merged model yet");
        message = tr(
            "The first round is still training. Its mistakes appear here once the merged model is tested.");
    } else if (!metrics) {
        header = tr("Round %1").arg(round->round);
        message = tr("The merged model \"%1\" was not evaluated in this round.").arg(method_);
    } else {
        const QString context = tr("%1, round %2").arg(method_).arg(round->round);
        const auto& predictions = metrics->predictions;
        if (predictions.empty()) {
            header = context;
            message =
                tr("This run has no per-image predictions (it was saved by an older version of MergeLab), "
                   "so its mistakes cannot be shown. The accuracy and confusion matrix are still available.");
        } else if (!data_ || data_->test.size() == 0) {
            header = context;
            message = tr("The Fashion-MNIST test images are not loaded, so the mistakes cannot be shown.");
        } else if (static_cast<int64_t>(predictions.size()) != data_->test.size()) {
            header = context;
            message = tr("This run has predictions for %1 test images but the loaded test set has %2: "
                         "they do not belong together, so no mistakes are shown.")
                          .arg(grouped(static_cast<qint64>(predictions.size())), grouped(data_->test.size()));
        } else {
            const Dataset& test = data_->test;
            const bool havePixels =
                test.pixels.size() >= static_cast<size_t>(test.size() * test.image_bytes());
            for (size_t i = 0; i < predictions.size(); ++i) {
                if (predictions[i] == test.labels[i])
                    continue;
                ++mistakes_;
                if (static_cast<int>(tiles.size()) >= kMaxShown || !havePixels)
                    continue;
                SamplesGrid::Tile t;
                t.index = static_cast<int64_t>(i);
                t.truth = test.labels[i];
                t.predicted = predictions[i];
                t.image = dataset_image(test, static_cast<int64_t>(i));
                tiles.push_back(std::move(t));
            }
            header =
                tr("%1: %2 of %3 test images wrong").arg(context, grouped(mistakes_), grouped(test.size()));
            if (mistakes_ > 0)
                header += tr(" (showing %1)").arg(tiles.size());
            if (mistakes_ == 0)
                message = tr("No mistakes: every test image is classified correctly.");
            else if (!havePixels)
                message = tr("The loaded test set has labels but no images.");
        }
    }
    header_->setText(header);
    grid_->setTiles(std::move(tiles), message);
    layoutGrid();
}

void SamplesView::layoutGrid() {
    const QSize vp = scroll_->viewport()->size();
    const int w = std::max(1, vp.width());
    grid_->resize(w, grid_->heightFor(w, vp.height()));
}

void SamplesView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitFonts();
}

void SamplesView::fitFonts() {
    const double px = ui_font_px(width());
    QFont f = font();
    f.setPixelSize(static_cast<int>(std::lround(px)));
    methodLabel_->setFont(f);
    selector_->setFont(f);
    f.setBold(true);
    f.setPixelSize(static_cast<int>(std::lround(px * 1.1)));
    header_->setFont(f);
    layoutGrid();
}

bool SamplesView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == scroll_->viewport() && event->type() == QEvent::Resize)
        layoutGrid();
    return QWidget::eventFilter(watched, event);
}

} // namespace mergelab::ui

#include "samples_view.moc"
