#pragma once
// What the Flow view's files share: where things go for the current size.
#include <QPointF>
#include <QRectF>
#include <QStringList>

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

// A strategy's name in lines for the Merge circle: a new line before each
// '+' (a local rule) and '@' (a step after the merge).
inline QStringList strategyLines(const QString& strategy) {
    QStringList lines;
    qsizetype start = 0;
    for (qsizetype i = 1; i < strategy.size(); ++i)
        if (strategy[i] == QLatin1Char('+') || strategy[i] == QLatin1Char('@'))
            lines << strategy.mid(start, i - start), start = i;
    lines << strategy.mid(start);
    return lines;
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
