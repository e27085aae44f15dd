#include "view_export.h"

#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>

#include <qcustomplot.h>
#ifdef MERGELAB_HAVE_SVG
#include <QSvgGenerator>
#endif

#include "run_view.h"

namespace mergelab::ui {

QStringList export_formats() {
    QStringList formats{QStringLiteral("png"), QStringLiteral("pdf")};
#ifdef MERGELAB_HAVE_SVG
    formats << QStringLiteral("svg");
#endif
    return formats;
}

void paint_plot(QCustomPlot* plot, QCPPainter& painter, const QRect& target) {
    if (!plot || target.isEmpty())
        return;
    painter.save();
    painter.translate(target.topLeft());
    plot->toPainter(&painter, target.width(), target.height());
    painter.restore();
    // toPainter lays the chart out for the page; lay it out for the screen again.
    plot->replot(QCustomPlot::rpQueuedReplot);
}

namespace {

QString write_png(RunView& view, const QString& path, double scale) {
    const QSize size = view.exportSize();
    QImage image((QSizeF(size) * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        view.renderExport(painter);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit())
        return file.errorString().isEmpty() ? QObject::tr("could not write %1").arg(path)
                                            : file.errorString();
    return {};
}

QString write_pdf(RunView& view, const QString& path) {
    const QSize size = view.exportSize();
    QPdfWriter pdf(path);
    pdf.setCreator(QStringLiteral("MergeLab"));
    // One logical pixel is one point: the page is the view's size.
    pdf.setResolution(72);
    pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
    QCPPainter painter;
    if (!painter.begin(&pdf))
        return QObject::tr("could not write %1").arg(path);
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    view.renderExport(painter);
    return painter.end() ? QString() : QObject::tr("could not write %1").arg(path);
}

#ifdef MERGELAB_HAVE_SVG
QString write_svg(RunView& view, const QString& path) {
    const QSize size = view.exportSize();
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QStringLiteral("MergeLab"));
    QCPPainter painter;
    if (!painter.begin(&svg))
        return QObject::tr("could not write %1").arg(path);
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    view.renderExport(painter);
    return painter.end() ? QString() : QObject::tr("could not write %1").arg(path);
}
#endif

} // namespace

QString export_view(RunView& view, const QString& path, double png_scale) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pdf"))
        return write_pdf(view, path);
#ifdef MERGELAB_HAVE_SVG
    if (suffix == QLatin1String("svg"))
        return write_svg(view, path);
#endif
    if (suffix == QLatin1String("png"))
        return write_png(view, path, png_scale);
    return QObject::tr("%1: choose a file ending in .%2")
        .arg(path, export_formats().join(QStringLiteral(", .")));
}

} // namespace mergelab::ui
