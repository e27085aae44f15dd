#pragma once
// What the Flow view's files share: where things go for the current size.
#include <QPointF>
#include <QRectF>

#include <algorithm>
#include <vector>

#include "flow_view.h"

namespace mergelab::ui {

constexpr double kFlowPi = 3.14159265358979323846;

// A lesson's caption: half as large again as the picture's text, never
// below what reads from the back of a classroom.
inline double lessonPx(double base) {
    return std::max(base * 1.5, 16.0);
}

struct FlowView::Geometry {
    double font = 12;
    QRectF caption;
    QRectF area;
    std::vector<QRectF> boxes;
    QPointF merge;
    double radius = 0;
    QRectF baseline;
    QRectF legend;
};

} // namespace mergelab::ui
