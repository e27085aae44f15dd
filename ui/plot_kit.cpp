#include "plot_kit.h"

#include <QBoxLayout>
#include <QFontMetricsF>
#include <QScreen>

#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "zoom.h"

namespace mergelab::ui::plot_kit {

namespace {

// Dynamic properties: a view never sees them, and elements a view adds
// later (graphs per round, labels) are picked up at the next replot.
constexpr const char* kRelative = "plotKitRelative";
constexpr const char* kLegendRelative = "plotKitLegendRelative";
constexpr const char* kIconSize = "plotKitIconSize";
constexpr const char* kBaseWidth = "plotKitBaseWidth";
constexpr const char* kSetWidth = "plotKitSetWidth";

double relative_of(const QObject* o) {
    const QVariant v = o->property(kRelative);
    return v.isValid() ? v.toDouble() : 1.0;
}

QFont sized(QFont f, double relative) {
    const QFont app = zoomed_app_font(relative);
    if (app.pointSizeF() > 0)
        f.setPointSizeF(app.pointSizeF());
    else
        f.setPixelSize(app.pixelSize());
    return f;
}

// The view's own width times the zoom. A width the view changed since the
// last replot is its new own width.
QPen widened(QObject* owner, QPen pen) {
    const double now = pen.widthF();
    const QVariant set = owner->property(kSetWidth);
    if (!set.isValid() || std::abs(set.toDouble() - now) > 1e-9)
        owner->setProperty(kBaseWidth, now);
    const double base = owner->property(kBaseWidth).toDouble();
    // Width 0 is Qt's one-pixel cosmetic pen.
    const double width = base > 0 ? base * zoom() : (zoom() > 1.01 ? zoom() : 0.0);
    owner->setProperty(kSetWidth, width);
    pen.setWidthF(width);
    return pen;
}

} // namespace

QCustomPlot* add_plot(QWidget* owner, QBoxLayout* layout, QSize minimum, int stretch) {
    auto* plot = new QCustomPlot(owner);
    plot->setMinimumSize(minimum);
    layout->addWidget(plot, stretch);
    QObject::connect(plot, &QCustomPlot::beforeReplot, plot, [plot] { apply_zoom(plot); });
    on_zoom(plot, [plot, minimum] {
        // Taller text needs taller room, or a chart in a splitter is left
        // with labels over its axes; widths stay, the screen's width is fixed.
        // Yet no chart asks for more than a quarter of its screen: two charts
        // one above the other, with the window's bars around them, must still
        // fit a 720-px projector at the presentation zoom.
        const QScreen* screen = plot->screen();
        const int most = screen ? screen->availableGeometry().height() / 4 : minimum.height();
        const int zoomed = static_cast<int>(minimum.height() * zoom());
        plot->setMinimumSize(minimum.width(), std::max(minimum.height(), std::min(zoomed, most)));
        plot->replot(QCustomPlot::rpQueuedReplot);
    });
    return plot;
}

void set_relative_size(QObject* element, double relative) {
    element->setProperty(kRelative, relative);
}

void apply_zoom(QCustomPlot* plot) {
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes()) {
            axis->setLabelFont(sized(axis->labelFont(), 1.0));
            axis->setTickLabelFont(sized(axis->tickLabelFont(), 1.0));
            axis->setSelectedLabelFont(sized(axis->selectedLabelFont(), 1.0));
            axis->setSelectedTickLabelFont(sized(axis->selectedTickLabelFont(), 1.0));
        }
    const QVariant legendRelative = plot->property(kLegendRelative);
    const double lr = legendRelative.isValid() ? legendRelative.toDouble() : 1.0;
    plot->legend->setFont(sized(plot->legend->font(), lr));
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = plot->legend->item(i))
            item->setFont(sized(item->font(), lr));
    if (const QVariant icon = plot->property(kIconSize); icon.isValid())
        plot->legend->setIconSize(icon.toSize() * zoom());
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true)) {
        if (auto* text = qobject_cast<QCPTextElement*>(element))
            text->setFont(sized(text->font(), relative_of(text)));
        // A colour scale's axis lives outside the axis rects.
        if (auto* scale = qobject_cast<QCPColorScale*>(element)) {
            scale->axis()->setLabelFont(sized(scale->axis()->labelFont(), 1.0));
            scale->axis()->setTickLabelFont(sized(scale->axis()->tickLabelFont(), 1.0));
        }
    }
    for (int i = 0; i < plot->itemCount(); ++i) {
        QCPAbstractItem* item = plot->item(i);
        if (auto* text = qobject_cast<QCPItemText*>(item))
            text->setFont(sized(text->font(), relative_of(text)));
        else if (auto* line = qobject_cast<QCPItemStraightLine*>(item))
            line->setPen(widened(line, line->pen()));
        else if (auto* segment = qobject_cast<QCPItemLine*>(item))
            segment->setPen(widened(segment, segment->pen()));
    }
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* p = plot->plottable(i);
        p->setPen(widened(p, p->pen()));
    }
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
    const double full = font.pointSizeF();
    font.setPointSizeF(std::max(6.0, full - 1));
    plot->legend->setFont(font);
    plot->legend->setIconSize(icon);
    // Kept as ratios, so the zoom scales the legend with everything else.
    if (full > 0)
        plot->setProperty(kLegendRelative, font.pointSizeF() / full);
    plot->setProperty(kIconSize, icon);
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

namespace {

// `element`'s text as set last, wrapped to `width`; remembers both, so a
// text set since is told from the wrapping of the one before.
template <class Element> void rewrap(Element* element, double width) {
    const QString shown = element->text();
    QString source = element->property("plotKitSource").toString();
    if (shown != element->property("plotKitWrapped").toString())
        source = shown;
    const QString wrapped = wrap_lines(source, element->font(), std::max(60.0, width));
    element->setProperty("plotKitSource", source);
    element->setProperty("plotKitWrapped", wrapped);
    if (wrapped != shown)
        element->setText(wrapped);
}

} // namespace

void keep_wrapped(QCustomPlot* plot, QCPItemText* item) {
    // Once laid out, so the axis rect's width is this replot's (before it,
    // a chart shown for the first time still had its hidden, tiny one); a
    // text item takes no room in the layout, so it is drawn wrapped anew.
    QObject::connect(plot, &QCustomPlot::afterLayout, item,
                     [plot, item] { rewrap(item, plot->axisRect()->width() - 16.0); });
}

void keep_wrapped(QCustomPlot* plot, QCPTextElement* title) {
    QObject::connect(plot, &QCustomPlot::beforeReplot, title, [plot, title] {
        // The title shares its column with the axis rect: a legend beside
        // them keeps its column's width. Wrapped to the whole plot, a long
        // lanes title at 1024x600 was cut at both ends and squeezed the
        // legend to "Env 1 loca".
        double room = plot->width() - 12.0;
        QCPLayoutGrid* grid = plot->plotLayout();
        for (int column = 1; column < grid->columnCount(); ++column) {
            int widest = 0;
            for (int row = 0; row < grid->rowCount(); ++row)
                if (grid->hasElement(row, column)) // element() would complain of an empty cell
                    widest = std::max(widest, grid->element(row, column)->minimumOuterSizeHint().width());
            room -= widest;
        }
        rewrap(title, room);
    });
}

QString wrap_lines(const QString& text, const QFont& font, double width) {
    const QFontMetricsF fm(font);
    QStringList lines;
    for (const QString& paragraph : text.split('\n')) {
        QString line;
        for (const QString& word : paragraph.split(' ', Qt::SkipEmptyParts)) {
            const QString longer = line.isEmpty() ? word : line + ' ' + word;
            if (!line.isEmpty() && fm.horizontalAdvance(longer) > width) {
                lines << line;
                line = word;
            } else {
                line = longer;
            }
        }
        lines << line;
    }
    return lines.join('\n');
}

} // namespace mergelab::ui::plot_kit
