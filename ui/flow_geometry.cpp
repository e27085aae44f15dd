// The Flow view's layout: the caption, the environment boxes around the
// merge node, the baseline and the legend, fitted to the widget's size.
#include "flow_geometry.h"

#include <QFontMetricsF>
#include <QToolButton>

#include <cmath>

#include "palette.h"
#include "zoom.h"

namespace mergelab::ui {

FlowView::Geometry FlowView::computeGeometry() const {
    Geometry g;
    const double W = width(), H = height();
    g.font = std::clamp(std::min(W / 72.0, H / 40.0) * zoom(), 9.0, 34.0 * zoom());
    // Wide enough for the glow around a lit box at the edge.
    const double margin = std::clamp(g.font * 0.8, 13.0, 24.0);
    QRectF all = QRectF(rect()).adjusted(margin, margin, -margin, -margin);
    // The Replay button sits in the top-left corner; a box drawn under it
    // had its top edge and colour bar hidden.
    if (!replay_->isHidden())
        all.setTop(std::max(all.top(), replay_->geometry().bottom() + margin * 0.4));

    // Two lines of caption at the bottom, always: the caption is the point.
    // A lesson's caption is a title and a few sentences, large enough for
    // the back of the room; the picture gives up the room for it.
    const QFontMetricsF cfm(pixel_font(font(), lesson_ ? lessonPx(g.font) : g.font * 1.3, true));
    double captionH = cfm.lineSpacing() * 2 + g.font * 1.2;
    if (lesson_) {
        // As tall as this step's sentences need (the title's line holds the
        // Next button), up to two fifths of the view.
        const QFontMetricsF body(pixel_font(font(), lessonPx(g.font)));
        const double textW = all.width() - g.font * 2.0;
        const double need =
            body.boundingRect(QRectF(0, 0, textW, 1e6), Qt::TextWordWrap, lesson_->text).height();
        captionH = std::min(cfm.lineSpacing() * 1.9 + need + g.font * 1.4, all.height() * 0.4);
    }
    g.caption = QRectF(all.left(), all.bottom() - captionH, all.width(), captionH);
    // A row for the class colours of the bars in the boxes.
    const double legendH = counts_.empty() ? 0.0 : g.font * 1.5;
    g.legend = QRectF(all.left(), g.caption.top() - legendH - g.font * 0.3, all.width(), legendH);
    g.area = QRectF(all.left(), all.top(), all.width(), all.height() - captionH - legendH - g.font);
    const QRectF area = g.area;
    const int n = static_cast<int>(envs_.size());
    if (n == 0)
        return g;
    const double gap = g.font * 1.2;

    if (n <= 4) {
        // Left and right columns, the merge in the middle.
        const int leftCount = (n + 1) / 2;
        const int rightCount = n / 2;
        const double colW = std::floor(area.width() * 0.31);
        // One size for every box, the fuller column's: environments are
        // alike, and a lone box drawn twice as tall read as a bigger one.
        const double h = std::min((area.height() - gap * (leftCount - 1)) / leftCount, area.height() * 0.9);
        auto column = [&](int count, double x) {
            const double total = h * count + gap * (count - 1);
            const double y0 = area.top() + (area.height() - total) / 2;
            for (int i = 0; i < count; ++i)
                g.boxes.emplace_back(x, y0 + i * (h + gap), colW, h);
        };
        column(leftCount, area.left());
        if (rightCount > 0)
            column(rightCount, area.right() - colW);
        const double midW = area.width() - 2 * colW;
        g.merge = area.center();
        // Small enough that both arrow labels fit between box and node.
        g.radius = std::min(midW * 0.18, area.height() * 0.15);
        if (baseline_) {
            const double bw = midW * 0.8;
            const double bh = std::min(area.height() * 0.22, g.font * 4.0);
            g.baseline = QRectF(area.center().x() - bw / 2, area.top(), bw, bh);
            // Keep the merge node and its arrow labels clear of the dashed box.
            g.merge.setY(std::max(g.merge.y(), g.baseline.bottom() + g.radius + g.font * 2.5));
        }
        return g;
    }

    // A ring around the merge: up to 10 environments.
    // The baseline gets a band of its own above the ring: nothing to collide with.
    QRectF ring = area;
    if (baseline_) {
        const double bh = std::min(area.height() * 0.14, g.font * 4.2);
        const double bw = std::min(area.width() * 0.5, g.font * 30.0);
        g.baseline = QRectF(area.center().x() - bw / 2, area.top(), bw, bh);
        ring.setTop(g.baseline.bottom() + gap * 0.5);
    }
    g.merge = ring.center();
    g.radius = std::min(ring.width(), ring.height()) * 0.11;
    double bw = ring.width() * (n <= 6 ? 0.27 : 0.21);
    double bh = ring.height() * (n <= 6 ? 0.31 : 0.25);
    for (int attempt = 0; attempt < 14; ++attempt) {
        g.boxes.clear();
        const double rx = ring.width() / 2 - bw / 2;
        const double ry = ring.height() / 2 - bh / 2;
        for (int i = 0; i < n; ++i) {
            // Half a step off the vertical so the ring is left/right symmetric.
            const double theta = (-90.0 + (i + 0.5) * 360.0 / n) * kFlowPi / 180.0;
            const QPointF c(g.merge.x() + rx * std::cos(theta), g.merge.y() + ry * std::sin(theta));
            g.boxes.emplace_back(c.x() - bw / 2, c.y() - bh / 2, bw, bh);
        }
        bool clash = false;
        const QRectF node(g.merge.x() - g.radius - gap, g.merge.y() - g.radius - gap, 2 * (g.radius + gap),
                          2 * (g.radius + gap));
        for (int i = 0; i < n && !clash; ++i) {
            const QRectF grown =
                g.boxes[static_cast<size_t>(i)].adjusted(-gap / 3, -gap / 3, gap / 3, gap / 3);
            if (grown.intersects(node))
                clash = true;
            for (int j = i + 1; j < n && !clash; ++j)
                if (grown.intersects(g.boxes[static_cast<size_t>(j)]))
                    clash = true;
        }
        if (!clash)
            break;
        bw *= 0.95;
        bh *= 0.95;
    }
    return g;
}

// The merge node in the middle; lit (filled with the method's colour)
// while merging or testing.

} // namespace mergelab::ui
