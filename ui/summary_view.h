#pragma once
// The runs side by side: in lanes mode one row per lane (each a whole
// experiment with one method), otherwise one row per merged method; final
// and best test accuracy, rounds, how it ended, time. The row's swatch is
// the method's colour in the lane's line style, as in the accuracy chart.
// With repeats, one row per strategy: mean ± sd and 95 % intervals over the
// seeds, and the paired difference from the primary strategy.
#include <QWidget>

#include "run_view.h"

class QLabel;
class QTableWidget;

class QCPPainter;

namespace mergelab::ui {

class SummaryView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit SummaryView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("summary"); }
    QString title() const override { return tr("S&ummary"); }
    void setRunModel(RunModel* model) override;
    QWidget* exportWidget() override;
    QSize exportSize() override;
    void renderExport(QCPPainter& painter) override;

    // For tests: the text of a cell, row by row from the top.
    QString cell(int row, int column) const;
    int rowCount() const;
    QString heading() const;

private:
    void refresh();
    void fillLanes();
    void fillMethods();
    // Repeats: one row per strategy over its seeds (repeats.h).
    void fillRepeats();
    void setColumns(const QStringList& headers);

    RunModel* model_ = nullptr;
    QLabel* heading_ = nullptr;
    QTableWidget* table_ = nullptr;
};

} // namespace mergelab::ui
