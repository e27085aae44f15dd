#include "plot_kit.h"

#include <QBoxLayout>

#include <algorithm>
#include <qcustomplot.h>

namespace mergelab::ui::plot_kit {

QCustomPlot* add_plot(QWidget* owner, QBoxLayout* layout, QSize minimum, int stretch) {
    auto* plot = new QCustomPlot(owner);
    plot->setMinimumSize(minimum);
    layout->addWidget(plot, stretch);
    return plot;
}

QCPTextElement* add_title(QCustomPlot* plot, const QString& text) {
    QFont font = plot->font();
    font.setBold(true);
    plot->plotLayout()->insertRow(0);
    auto* title = new QCPTextElement(plot, text, font);
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

void label_axes(QCustomPlot* plot, const QString& x, const QString& y) {
    plot->xAxis->setLabel(x);
    plot->yAxis->setLabel(y);
    plot->yAxis->grid()->setSubGridVisible(false);
}

void style_legend(QCustomPlot* plot, QSize icon) {
    QFont font = plot->font();
    font.setPointSizeF(std::max(6.0, font.pointSizeF() - 1));
    plot->legend->setFont(font);
    plot->legend->setIconSize(icon);
    plot->legend->setRowSpacing(0);
}

void put_legend_beside(QCustomPlot* plot) {
    // Row 1: add_title has put the title in row 0.
    auto* side = new QCPLayoutGrid;
    plot->plotLayout()->addElement(1, 1, side);
    side->setMargins(QMargins(0, 6, 6, 6));
    side->addElement(0, 0, plot->legend);
    side->addElement(1, 0, new QCPLayoutElement(plot)); // pushes the legend to the top
    side->setRowStretchFactor(0, 0.01);
    plot->plotLayout()->setColumnStretchFactor(1, 0.001);
}

QCPItemText* add_empty_text(QCustomPlot* plot, const QString& text) {
    auto* item = new QCPItemText(plot);
    item->position->setType(QCPItemPosition::ptAxisRectRatio);
    item->position->setCoords(0.5, 0.5);
    item->setPositionAlignment(Qt::AlignCenter);
    item->setText(text);
    item->setColor(QColor(110, 110, 110));
    item->setSelectable(false);
    return item;
}

} // namespace mergelab::ui::plot_kit
