#include "palette.h"

#include <QCoreApplication>

#include "i18n.h"

#include <QHash>
#include <QLocale>

#include <algorithm>
#include <cmath>

#include "mergelab/dataset.h"

namespace mergelab::ui {

QColor strategy_color(const QString& strategy, QList<QRgb>& used) {
    static const QColor spare[] = {QColor(86, 180, 233), QColor(230, 159, 0),   QColor(204, 121, 167),
                                   QColor(0, 0, 0),      QColor(120, 120, 200), QColor(200, 80, 80)};
    QColor color = method_color(strategy.section('+', 0, 0).section(':', 0, 0));
    for (const QColor& other : spare) {
        if (!used.contains(color.rgb()))
            break;
        color = other;
    }
    used << color.rgb();
    return color;
}

QColor method_color(const QString& method) {
    // Distinct hues from a colour-blind-safe set (Okabe-Ito).
    static const QHash<QString, QColor> known = {
        {"avg", QColor(0, 114, 178)},    // blue
        {"max", QColor(213, 94, 0)},     // vermilion
        {"absmax", QColor(0, 158, 115)}, // bluish green
        // The other methods of the registry: fixed too, so no two of them
        // (a lane each) come out the same hue by chance.
        {"wavg", QColor(51, 34, 136)},            // indigo
        {"median", QColor(17, 119, 51)},          // dark green
        {"trimmed-mean", QColor(153, 153, 51)},   // olive
        {"task-arithmetic", QColor(136, 34, 85)}, // wine
        {"ties", QColor(170, 68, 153)},           // purple
        {"fedavgm", QColor(68, 170, 153)},        // teal
        {"fedadam", QColor(102, 51, 0)},          // brown
        {"fedadagrad", QColor(204, 102, 119)},    // rose
        {"fedyogi", QColor(204, 153, 0)},         // amber
        {"tail-avg", QColor(68, 119, 170)},       // steel blue, near avg whose past it averages
    };
    if (auto it = known.find(method); it != known.end())
        return *it;
    return QColor::fromHsv(static_cast<int>(qHash(method) % 360), 200, 180);
}

QColor env_color(int env) {
    // Away from the methods' blue, vermilion and green so an environment's
    // line is never taken for a merged model's (or the paper's, which use
    // the methods' colours); sky blue, the closest to avg, comes last.
    static const QColor colors[] = {QColor(230, 159, 0),  QColor(204, 121, 167), QColor(140, 90, 40),
                                    QColor(200, 180, 0),  QColor(128, 0, 128),   QColor(120, 120, 120),
                                    QColor(150, 150, 40), QColor(0, 128, 128),   QColor(90, 90, 200),
                                    QColor(86, 180, 233)};
    return colors[((env % 10) + 10) % 10];
}

QColor class_color(int c) {
    // Ten hues far enough apart to stack side by side in one bar.
    static const QColor colors[] = {QColor(31, 119, 180),  QColor(255, 127, 14),  QColor(44, 160, 44),
                                    QColor(214, 39, 40),   QColor(148, 103, 189), QColor(140, 86, 75),
                                    QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                    QColor(23, 190, 207)};
    if (c >= 0 && c < 10)
        return colors[c];
    // Beyond ten: hues around the circle by the golden angle, so
    // neighbouring classes stay apart however many there are.
    return QColor::fromHsv(int(std::fmod(c * 137.508, 360.0)), 150, 200);
}

Qt::PenStyle lane_pen_style(int lane) {
    static const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DashDotLine, Qt::DashDotDotLine};
    return styles[((lane % 4) + 4) % 4];
}

Qt::PenStyle paper_pen_style() {
    return Qt::DotLine;
}

QColor central_color() {
    return QColor(40, 40, 40);
}
QString env_label(int env) {
    return QCoreApplication::translate("mergelab", "Env %1").arg(env + 1);
}

QString grouped(qint64 n) {
    return QLocale().toString(n);
}

QColor mix(const QColor& a, const QColor& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

double luminance(const QColor& c) {
    return 0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF();
}

QColor readable_on_white(const QColor& c) {
    return luminance(c) > 0.55 ? c.darker(luminance(c) > 0.75 ? 175 : 140) : c;
}

QFont pixel_font(const QFont& base, double px, bool bold, bool italic) {
    QFont f = base;
    f.setPixelSize(std::max(6, static_cast<int>(std::lround(px))));
    f.setBold(bold);
    f.setItalic(italic);
    return f;
}

} // namespace mergelab::ui
