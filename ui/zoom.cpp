#include "zoom.h"

#include <QApplication>
#include <QFont>
#include <QFontMetricsF>

#include <cmath>

namespace mergelab::ui {

Zoom* Zoom::instance() {
    // Parented to nothing: it outlives every widget, tests included.
    static Zoom* zoom = new Zoom;
    return zoom;
}

void Zoom::setFactor(double factor) {
    if (!(factor > 0) || std::abs(factor - factor_) < 1e-9)
        return;
    factor_ = factor;
    emit changed(factor_);
}

void Zoom::setLeastTextPx(double px) {
    if (std::abs(px - least_) < 1e-9)
        return;
    least_ = px;
    emit changed(factor_);
}

bool legible(const QFont& font) {
    return QFontMetricsF(font).height() >= Zoom::instance()->leastTextPx() - 1e-6;
}

QFont legible_font(QFont font) {
    for (int grown = 0; grown < 64 && !legible(font); ++grown) {
        if (font.pixelSize() > 0)
            font.setPixelSize(font.pixelSize() + 1);
        else
            font.setPointSizeF(font.pointSizeF() + 0.5);
    }
    return font;
}

double zoom() {
    return Zoom::instance()->factor();
}

QFont zoomed_app_font(double relative) {
    QFont font = QApplication::font();
    // A platform may give its font in pixels only.
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * zoom() * relative);
    else
        font.setPixelSize(std::max(1, static_cast<int>(std::lround(font.pixelSize() * zoom() * relative))));
    return font;
}

void on_zoom(QObject* receiver, std::function<void()> react) {
    QObject::connect(Zoom::instance(), &Zoom::changed, receiver, [react = std::move(react)] { react(); });
}

} // namespace mergelab::ui
