#include "run_view.h"

#include <QPainter>
#include <QWidget>
#include <qcustomplot.h>

#include "run_model.h"

namespace mergelab::ui {

QSize RunView::exportSize() {
    return exportWidget()->size();
}

void RunView::renderExport(QCPPainter& painter) {
    exportWidget()->render(&painter, QPoint(), QRegion(), QWidget::DrawWindowBackground);
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
