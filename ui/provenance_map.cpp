#include "provenance_map.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

#include "palette.h"

namespace mergelab::ui {

ProvenanceMap::ProvenanceMap(QWidget* parent)
    : QWidget(parent) {
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
}

void ProvenanceMap::setSources(const std::vector<int8_t>& sources, const std::vector<int64_t>& shape) {
    units_.clear();
    message_.clear();
    auto paint = [this](const std::vector<int8_t>& from, int64_t first, int rows, int cols) {
        QImage image(cols, rows, QImage::Format_RGB32);
        for (int y = 0; y < rows; ++y)
            for (int x = 0; x < cols; ++x) {
                const int8_t k = from[static_cast<size_t>(first + int64_t(y) * cols + x)];
                image.setPixel(x, y, k < 0 ? qRgb(255, 255, 255) : env_color(k).rgb());
            }
        units_.append(image);
    };
    const int64_t n = static_cast<int64_t>(sources.size());
    if (shape.size() == 4) {
        // A filter over one input channel reads best as its kernel (3 x 3);
        // over many, as channels down and kernel positions across.
        const bool single = shape[1] == 1;
        const int rows = single ? int(shape[2]) : int(shape[1]);
        const int cols = single ? int(shape[3]) : int(shape[2] * shape[3]);
        for (int64_t u = 0; u < shape[0]; ++u)
            paint(sources, u * rows * cols, rows, cols);
    } else if (shape.size() == 2) {
        paint(sources, 0, int(shape[0]), int(shape[1]));
    } else {
        // A bias: wrapped into a near-square block, one cell per unit; the
        // padding stays white.
        const int cols = std::max(1, int(std::ceil(std::sqrt(double(n)))));
        const int rows = int((n + cols - 1) / cols);
        std::vector<int8_t> padded(sources);
        padded.resize(size_t(rows) * size_t(cols), -1);
        paint(padded, 0, rows, cols);
    }
    update();
}

void ProvenanceMap::setMessage(const QString& message) {
    units_.clear();
    message_ = message;
    update();
}

void ProvenanceMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    if (units_.isEmpty()) {
        p.setPen(QColor(110, 110, 110));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, message_);
        return;
    }
    const int count = units_.size();
    const QSize unit = units_.first().size();
    // The grid whose cells come out largest; gaps of a pixel's fifth of a cell.
    double best = 0;
    int columns = 1;
    for (int c = 1; c <= count; ++c) {
        const int r = (count + c - 1) / c;
        const double s =
            std::min(area.width() / (c * (unit.width() + 0.5)), area.height() / (r * (unit.height() + 0.5)));
        if (s > best)
            best = s, columns = c;
    }
    const double gap = count > 1 ? std::max(1.0, best * 0.5) : 0;
    const double w = unit.width() * best, h = unit.height() * best;
    for (int i = 0; i < count; ++i) {
        const QRectF target(area.left() + (i % columns) * (w + gap), area.top() + (i / columns) * (h + gap),
                            w, h);
        p.drawImage(target, units_[i]);
    }
}

} // namespace mergelab::ui
