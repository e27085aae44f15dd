#include "run_view.h"

#include <QPainter>
#include <QWidget>

#include <algorithm>

#include <qcustomplot.h>

#include "run_model.h"
#include "view_export.h"

namespace mergelab::ui {

namespace {

// Where `part` sits in `whole`, or an empty rect when it is not shown.
QRect place_in(QWidget* whole, QWidget* part) {
    if (!part || !part->isVisibleTo(whole) || part->size().isEmpty())
        return {};
    return QRect(part->mapTo(whole, QPoint(0, 0)), part->size());
}

// The part of `whole` an export shows: below the selectors when parts are given.
QRect export_rect(QWidget* whole, const QList<QWidget*>& parts) {
    int top = whole->height();
    for (QWidget* part : parts)
        if (const QRect r = place_in(whole, part); !r.isEmpty())
            top = std::min(top, r.top());
    if (top >= whole->height())
        top = 0;
    return QRect(0, top, whole->width(), whole->height() - top);
}

} // namespace

QSize RunView::exportSize() {
    return export_rect(exportWidget(), exportParts()).size();
}

void RunView::renderExport(QCPPainter& painter) {
    QWidget* whole = exportWidget();
    const QList<QWidget*> parts = exportParts();
    const QRect shown = export_rect(whole, parts);
    painter.save();
    painter.translate(-shown.topLeft());
    // What the view paints itself (its background, painted matrices), then
    // each part in its place: a chart through its own vector painter, a
    // caption or a map as it paints on screen, as text and shapes.
    whole->render(&painter, shown.topLeft(), QRegion(shown), QWidget::DrawWindowBackground);
    for (QWidget* part : parts) {
        const QRect r = place_in(whole, part);
        if (r.isEmpty())
            continue;
        if (auto* plot = qobject_cast<QCustomPlot*>(part)) {
            paint_plot(plot, painter, r);
        } else {
            painter.save();
            painter.translate(r.topLeft());
            part->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
            painter.restore();
        }
    }
    painter.restore();
}

void follow_rounds(RunModel* model, QObject* view, std::function<void(RunPtr)> setRun,
                   std::function<void(int)> setRound) {
    auto reload = [model, setRun, setRound] {
        setRun(model->run());
        setRound(model->selectedRound());
    };
    QObject::connect(model, &RunModel::runReset, view, reload);
    QObject::connect(model, &RunModel::laneSelected, view, reload);
    // When the new round is to be shown, roundSelected follows.
    QObject::connect(model, &RunModel::roundAdded, view, [model, setRun] { setRun(model->run()); });
    QObject::connect(model, &RunModel::roundSelected, view, setRound);
    reload();
}

} // namespace mergelab::ui
