#include "confusion_view.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QLinearGradient>
#include <QLocale>
#include <QPainter>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "palette.h"
#include "run_model.h"
#include "zoom.h"

namespace mergelab::ui {
namespace {

bool all_zero(const ConfusionMatrix& m) {
    for (const auto& row : m)
        for (int64_t v : row)
            if (v != 0)
                return false;
    return true;
}

// Label fonts follow the widget so the matrix reads the same on a laptop
// and on a projector; the combo box follows too.
double base_font_px(const QSizeF& size) {
    return std::clamp(std::min(size.width() / 62.0, size.height() / 36.0) * zoom(), 9.0, 30.0 * zoom());
}

constexpr double kSin45 = 0.70710678;

} // namespace

struct ConfusionView::Layout {
    bool valid = false;
    double font = 12;      // axis and class labels, px
    double countFont = 12; // numbers in the cells, px
    bool countsFit = true;
    double cell = 0;
    bool rotateColumns = false;
    QRectF caption;
    QRectF yTitle;
    QRectF rowLabels;
    QRectF grid;
    QRectF columnLabels;
    QRectF xTitle;
    QRectF legend;
    int legendLines = 1;
    double markerWidth = 0; // "(never seen)" column inside rowLabels
};

ConfusionView::ConfusionView(QWidget* parent)
    : QWidget(parent) {
    on_zoom(this, [this] {
        fitFonts();
        update();
    });
    selectorLabel_ = new QLabel(tr("Show:"), this);
    selector_ = new QComboBox(this);
    selector_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    selector_->setToolTip(tr("A merged model, or one environment's own model before the merge"));
    auto* row = new QHBoxLayout;
    row->addWidget(selectorLabel_);
    row->addWidget(selector_);
    row->addStretch(1);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(8, 6, 8, 6);
    column->addLayout(row);
    column->addStretch(1);
    connect(selector_, &QComboBox::activated, this, [this](int index) {
        source_ = selector_->itemData(index).toString();
        update();
    });
    setMouseTracking(false);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    rebuildSources();
}

QSize ConfusionView::sizeHint() const {
    return {760, 620};
}
QSize ConfusionView::minimumSizeHint() const {
    return {420, 330};
}

void ConfusionView::setRunModel(RunModel* model) {
    follow_rounds(
        model, this, [this](RunPtr run) { setRun(std::move(run)); }, [this](int round) { setRound(round); });
}

void ConfusionView::setRun(RunPtr run) {
    run_ = std::move(run);
    rebuildSources();
    update();
}

void ConfusionView::setRound(int round) {
    round_ = round;
    rebuildSources();
    update();
}

void ConfusionView::setSource(const QString& source) {
    source_ = source;
    const int index = selector_->findData(source);
    if (index >= 0)
        selector_->setCurrentIndex(index);
    update();
}

QString ConfusionView::source() const {
    return source_;
}

QStringList ConfusionView::sources() const {
    QStringList out;
    for (int i = 0; i < selector_->count(); ++i)
        out << selector_->itemData(i).toString();
    return out;
}

const RoundResult* ConfusionView::shownRound() const {
    return find_round(run_.get(), round_);
}

int ConfusionView::shownEnv() const {
    if (!source_.startsWith(QLatin1String("env:")))
        return -1;
    bool ok = false;
    const int env = source_.mid(4).toInt(&ok);
    return ok && env >= 0 ? env : -1;
}

namespace {
// A matrix of the classes on screen: every loop below runs over them.
bool fits(const ConfusionMatrix& m) {
    if (m.size() != static_cast<size_t>(class_count()))
        return false;
    for (const auto& row : m)
        if (row.size() != m.size())
            return false;
    return true;
}
} // namespace

const ConfusionMatrix* ConfusionView::matrixOrNull() const {
    const RoundResult* round = shownRound();
    if (!round)
        return nullptr;
    const int env = shownEnv();
    if (env >= 0) {
        if (env >= static_cast<int>(round->envs.size()))
            return nullptr;
        const ConfusionMatrix& m = round->envs[static_cast<size_t>(env)].test_confusion;
        // Runs saved before local models were tested carry an empty matrix.
        return all_zero(m) || !fits(m) ? nullptr : &m;
    }
    const MethodMetrics* metrics = round->method(source_.toStdString());
    return metrics && fits(metrics->confusion) ? &metrics->confusion : nullptr;
}

ConfusionMatrix ConfusionView::shownMatrix() const {
    const ConfusionMatrix* m = matrixOrNull();
    return m ? *m : ConfusionMatrix{};
}

QList<int> ConfusionView::unseenClasses() const {
    QList<int> out;
    const int env = shownEnv();
    if (!run_ || env < 0 || env >= static_cast<int>(run_->envs.size()))
        return out;
    const auto& seen = run_->envs[static_cast<size_t>(env)].classes;
    // An unknown class list (old file) must not mark everything as unseen.
    if (seen.empty())
        return out;
    for (int c = 0; c < class_count(); ++c)
        if (std::find(seen.begin(), seen.end(), c) == seen.end())
            out << c;
    return out;
}

QColor ConfusionView::sourceColor() const {
    const int env = shownEnv();
    return env >= 0 ? env_color(env) : method_color(source_);
}

QString ConfusionView::sourceTitle() const {
    const int env = shownEnv();
    return env >= 0 ? tr("%1 (local model)").arg(env_label(env)) : source_;
}

QString ConfusionView::emptyText() const {
    if (!run_)
        return tr("No run yet.\nStart an experiment or open a run folder to see its confusion matrices.");
    if (run_->rounds.empty())
        return tr(
            "Round 1 is still running.\nThe confusion matrix appears once the first merged model is tested.");
    if (shownEnv() >= 0)
        return tr("This run has no test results for %1's own model\n(it was saved by an older version).")
            .arg(env_label(shownEnv()));
    return tr("The merged model \"%1\" was not evaluated in this round.").arg(source_);
}

QString ConfusionView::caption() const {
    const ConfusionMatrix* m = matrixOrNull();
    if (!m)
        return emptyText();
    const int64_t total = confusion_total(*m);
    const int64_t correct = confusion_correct(*m);
    const double pct = total > 0 ? 100.0 * static_cast<double>(correct) / static_cast<double>(total) : 0.0;
    return tr("%1, round %2: %3 % of %4 test images correct")
        .arg(sourceTitle())
        .arg(shownRound()->round)
        .arg(QLocale(QLocale::English).toString(pct, 'f', 1))
        .arg(grouped(total));
}

void ConfusionView::rebuildSources() {
    QStringList methods;
    int envs = 0;
    if (run_) {
        if (const RoundResult* round = shownRound()) {
            for (const auto& m : round->merged)
                methods << QString::fromStdString(m.method);
        } else {
            for (const auto& m : evaluated_methods(run_->config))
                methods << QString::fromStdString(m);
        }
        envs = static_cast<int>(run_->envs.size());
    }
    QStringList data;
    for (const auto& m : methods)
        data << m;
    for (int k = 0; k < envs; ++k)
        data << QStringLiteral("env:%1").arg(k);
    selector_->setEnabled(!data.isEmpty());
    if (data == sources()) {
        const int index = selector_->findData(source_);
        if (index >= 0)
            selector_->setCurrentIndex(index);
        return;
    }

    const QSignalBlocker block(selector_);
    selector_->clear();
    const int swatch = 12;
    for (const auto& m : methods) {
        QPixmap icon(swatch, swatch);
        icon.fill(method_color(m));
        selector_->addItem(QIcon(icon), tr("Merged: %1").arg(m), m);
    }
    for (int k = 0; k < envs; ++k) {
        QPixmap icon(swatch, swatch);
        icon.fill(env_color(k));
        selector_->addItem(QIcon(icon), tr("%1 (local model)").arg(env_label(k)),
                           QStringLiteral("env:%1").arg(k));
    }
    fitSelector();
    int index = selector_->findData(source_);
    if (index < 0 && selector_->count() > 0) {
        index = 0;
        source_ = selector_->itemData(0).toString();
    }
    selector_->setCurrentIndex(index);
}

QRectF ConfusionView::canvasRect() const {
    // From size hints rather than geometry: grab() on a never-shown widget
    // paints before the layout has placed the selector.
    const int row = std::max(selector_->sizeHint().height(), selectorLabel_->sizeHint().height());
    const int top = layout()->contentsMargins().top() + row + 8;
    return QRectF(rect()).adjusted(10, top, -10, -8);
}

ConfusionView::Layout ConfusionView::computeLayout() const {
    Layout L;
    const QRectF area = canvasRect();
    if (area.width() < 60 || area.height() < 60)
        return L;
    const bool markUnseen = !unseenClasses().isEmpty();
    const QFont base = font();

    for (double f = base_font_px(size()); f >= 6.0; f -= 1.0) {
        const QFontMetricsF fm(pixel_font(base, f));
        const QFontMetricsF bold(pixel_font(base, f, true));
        const QFontMetricsF small(legible_font(pixel_font(base, f * 0.8, false, true)));
        const QFontMetricsF cap(pixel_font(base, f * 1.25, true));
        double nameW = 0;
        for (int c = 0; c < class_count(); ++c)
            nameW = std::max(nameW, fm.horizontalAdvance(class_name(c)));
        const double pad = std::max(3.0, f * 0.35);
        L.font = f;
        L.markerWidth = markUnseen ? small.horizontalAdvance(tr("(never seen)")) + pad * 2 : 0;
        const double rowLabelW = nameW + L.markerWidth + pad * 2;
        const double titleH = bold.height() * 1.2;
        const double captionH = cap.height() * 1.4;

        // The legend goes on two lines only when one is too narrow.
        const double gradientLegend =
            f * 5 + pad + fm.horizontalAdvance(tr("0 – 100 % of the row (true class)"));
        const double unseenLegend =
            markUnseen
                ? f * 2 + pad +
                      fm.horizontalAdvance(tr("hatched: classes %1 never saw in training").arg(env_label(9)))
                : 0;
        L.legendLines = markUnseen && gradientLegend + unseenLegend + f * 2 > area.width() ? 2 : 1;
        const double legendH = fm.height() * 1.35 * L.legendLines;

        const double n = class_count();
        const double availW = area.width() - titleH - rowLabelW - pad;
        const double availH = area.height() - captionH - titleH - legendH - pad * 2;
        // Prefer horizontal column labels; rotate when the names don't fit a cell.
        const double horizontalH = fm.height() + pad;
        const double rotatedH = kSin45 * (nameW + fm.height()) + pad;
        double cell = std::min(availW / n, (availH - horizontalH) / n);
        L.rotateColumns = cell < nameW + pad;
        if (L.rotateColumns)
            cell = std::min(availW / n, (availH - rotatedH) / n);
        const double colLabelH = L.rotateColumns ? rotatedH : horizontalH;
        L.cell = std::floor(cell);

        // Cells room for their counts; in presentation mode labels a room
        // can read come first, and counts that do not fit are left out.
        if (L.cell < f * (Zoom::instance()->leastTextPx() > 0 ? 1.3 : 2.2) && f > 7.0)
            continue;
        if (L.cell < 8)
            return L;

        const double blockW = titleH + rowLabelW + n * L.cell;
        const double blockH = captionH + n * L.cell + colLabelH + titleH + legendH + pad;
        const double x0 = std::round(area.left() + (area.width() - blockW) / 2);
        const double y0 = std::round(area.top() + std::max(0.0, (area.height() - blockH) / 2));
        L.caption = QRectF(area.left(), y0, area.width(), captionH);
        L.yTitle = QRectF(x0, y0 + captionH, titleH, n * L.cell);
        L.rowLabels = QRectF(x0 + titleH, y0 + captionH, rowLabelW, n * L.cell);
        L.grid = QRectF(L.rowLabels.right(), y0 + captionH, n * L.cell, n * L.cell);
        L.columnLabels = QRectF(L.grid.left(), L.grid.bottom(), L.grid.width(), colLabelH);
        L.xTitle = QRectF(L.grid.left(), L.columnLabels.bottom(), L.grid.width(), titleH);
        L.legend = QRectF(area.left(), L.xTitle.bottom() + pad, area.width(), legendH);

        // Counts: as large as the widest one allows.
        qint64 widest = 0;
        if (const ConfusionMatrix* m = matrixOrNull())
            for (const auto& row : *m)
                for (int64_t v : row)
                    widest = std::max<qint64>(widest, v);
        const QString widestText = grouped(std::max<qint64>(widest, 100));
        // Inside the diagonal's dotted outline (1 px in, 1.5 px wide) with
        // a pixel to spare on each side: 4 px of the width were too few,
        // and the outline cut the first and last digits.
        double cf = std::min(f * 1.1, L.cell * 0.4);
        const auto fits = [&](double px) {
            const QFontMetricsF m(pixel_font(base, px, true));
            return m.horizontalAdvance(widestText) <= L.cell - 8 && m.height() <= L.cell - 4;
        };
        while (cf > 6 && !fits(cf))
            cf -= 0.5;
        L.countFont = cf;
        L.countsFit = fits(cf); // else the colours alone carry the shares
        L.valid = true;
        return L;
    }
    return L;
}

void ConfusionView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitFonts();
}

void ConfusionView::fitFonts() {
    QFont f = font();
    f.setPixelSize(
        static_cast<int>(std::lround(std::clamp(base_font_px(size()) * 1.05, 12.0, 28.0 * zoom()))));
    selector_->setFont(f);
    selectorLabel_->setFont(f);
    fitSelector();
}

void ConfusionView::fitSelector() {
    // Wide enough for the longest entry in the current font: the combo's
    // own size hint is not renewed on a font change, and Qt elides the
    // middle of what does not fit ("Env 1 (l…l model)").
    const QFontMetrics fm(selector_->font());
    int widest = 0;
    for (int i = 0; i < selector_->count(); ++i)
        widest = std::max(widest, fm.horizontalAdvance(selector_->itemText(i)));
    selector_->setMinimumWidth(widest + selector_->iconSize().width() + fm.height() * 3);
}

QSize ConfusionView::exportSize() {
    return canvasRect().toAlignedRect().size();
}

void ConfusionView::renderExport(QCPPainter& painter) {
    // The heatmap and its labels without the selector above them.
    const QRect canvas = canvasRect().toAlignedRect();
    render(&painter, QPoint(), QRegion(canvas), QWidget::DrawWindowBackground);
}

void ConfusionView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const QFont base = font();
    const QRectF area = canvasRect();
    const ConfusionMatrix* m = matrixOrNull();
    const Layout L = m ? computeLayout() : Layout{};

    if (!m || !L.valid) {
        p.setPen(QColor(90, 90, 90));
        p.setFont(pixel_font(base, std::clamp(base_font_px(size()) * 1.15, 11.0, 24.0 * zoom())));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                   m ? tr("Too small to show the matrix.") : emptyText());
        return;
    }

    const QColor color = sourceColor();
    const QList<int> unseen = unseenClasses();
    const double pad = std::max(3.0, L.font * 0.35);
    const QFont labelFont = pixel_font(base, L.font);
    const QFont boldFont = pixel_font(base, L.font, true);
    const QFontMetricsF fm(labelFont);

    // Caption, with a swatch tying it to the colour of the cells.
    {
        const QFont capFont = pixel_font(base, L.font * 1.25, true);
        const QString text = caption();
        const QFontMetricsF cfm(capFont);
        const double sw = cfm.height() * 0.7;
        const double textW = std::min(cfm.horizontalAdvance(text), L.caption.width() - sw - pad * 2);
        const double x = L.caption.center().x() - (sw + pad + textW) / 2;
        p.fillRect(QRectF(x, L.caption.center().y() - sw / 2, sw, sw), color);
        p.setFont(capFont);
        p.setPen(QColor(25, 25, 25));
        p.drawText(QRectF(x + sw + pad, L.caption.top(), textW + 2, L.caption.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, cfm.elidedText(text, Qt::ElideRight, textW + 2));
    }

    // Axis titles.
    p.setFont(boldFont);
    p.setPen(QColor(40, 40, 40));
    p.drawText(L.xTitle, Qt::AlignCenter, tr("Predicted class"));
    p.save();
    p.translate(L.yTitle.center());
    p.rotate(-90);
    p.drawText(QRectF(-L.yTitle.height() / 2, -L.yTitle.width() / 2, L.yTitle.height(), L.yTitle.width()),
               Qt::AlignCenter, tr("True class"));
    p.restore();

    // Row labels; a hatched background for classes this model never trained on.
    const QFont markerFont = legible_font(pixel_font(base, L.font * 0.8, false, true));
    for (int r = 0; r < class_count(); ++r) {
        const QRectF row(L.rowLabels.left(), L.grid.top() + r * L.cell, L.rowLabels.width(), L.cell);
        if (unseen.contains(r)) {
            const QRectF bg = row.adjusted(0, 1, -2, -1);
            p.fillRect(bg, QColor(232, 232, 232));
            p.fillRect(bg, QBrush(QColor(160, 160, 160), Qt::BDiagPattern));
            p.setFont(markerFont);
            p.setPen(QColor(70, 70, 70));
            p.drawText(QRectF(row.left() + pad, row.top(), L.markerWidth, row.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, tr("(never seen)"));
        }
        p.setFont(labelFont);
        p.setPen(QColor(25, 25, 25));
        const QString name = class_name(r);
        // A solid patch behind the name keeps it readable over the hatching.
        if (unseen.contains(r)) {
            const double w = fm.horizontalAdvance(name) + pad;
            p.fillRect(
                QRectF(row.right() - pad - w, row.center().y() - fm.height() / 2, w + pad / 2, fm.height()),
                QColor(232, 232, 232));
        }
        p.drawText(row.adjusted(0, 0, -pad, 0), Qt::AlignRight | Qt::AlignVCenter, name);
    }

    // Column labels, rotated 45 degrees when the names are wider than a cell.
    p.setFont(labelFont);
    p.setPen(QColor(25, 25, 25));
    for (int c = 0; c < class_count(); ++c) {
        const QString name = class_name(c);
        const double cx = L.grid.left() + (c + 0.5) * L.cell;
        if (!L.rotateColumns) {
            p.drawText(QRectF(cx - L.cell / 2, L.columnLabels.top(), L.cell, fm.height() + pad),
                       Qt::AlignCenter, name);
            continue;
        }
        p.save();
        p.translate(cx + fm.height() * 0.35, L.columnLabels.top() + pad * 0.6);
        p.rotate(-45);
        const double w = fm.horizontalAdvance(name) + 2;
        p.drawText(QRectF(-w, -fm.height() / 2, w, fm.height()), Qt::AlignRight | Qt::AlignVCenter, name);
        p.restore();
    }

    drawCells(p, L, *m, color);
    drawLegend(p, L, color, unseen);
}

void ConfusionView::drawCells(QPainter& p, const Layout& L, const ConfusionMatrix& m,
                              const QColor& color) const {
    // Cells: colour by the share of the row, so each true class reads as a
    // distribution whatever its size.
    const QFont countFont = pixel_font(font(), L.countFont);
    const QFont countBold = pixel_font(font(), L.countFont, true);
    // Counts too small to read from the back of a room are left out in
    // presentation mode: the colours carry the shares.
    const bool numbers = legible(countFont) && L.countsFit;
    for (int r = 0; r < class_count(); ++r) {
        const auto& row = m[static_cast<size_t>(r)];
        int64_t rowTotal = 0;
        for (int64_t v : row)
            rowTotal += v;
        for (int c = 0; c < class_count(); ++c) {
            const int64_t v = row[static_cast<size_t>(c)];
            const double share = rowTotal > 0 ? static_cast<double>(v) / static_cast<double>(rowTotal) : 0.0;
            const QRectF cell(L.grid.left() + c * L.cell, L.grid.top() + r * L.cell, L.cell, L.cell);
            const QColor fill = mix(Qt::white, color, share);
            p.fillRect(cell, fill);
            if (!numbers)
                continue;
            p.setFont(r == c ? countBold : countFont);
            if (v == 0)
                p.setPen(QColor(185, 185, 185));
            else
                p.setPen(luminance(fill) < 0.55 ? Qt::white : QColor(20, 20, 20));
            p.drawText(cell, Qt::AlignCenter, grouped(v));
        }
    }
    // Grid lines and a frame; the diagonal (correct answers) gets an outline.
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(QColor(215, 215, 215), 1));
    for (int i = 1; i < class_count(); ++i) {
        const double x = L.grid.left() + i * L.cell;
        const double y = L.grid.top() + i * L.cell;
        p.drawLine(QPointF(x, L.grid.top()), QPointF(x, L.grid.bottom()));
        p.drawLine(QPointF(L.grid.left(), y), QPointF(L.grid.right(), y));
    }
    p.setPen(QPen(QColor(60, 60, 60), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(L.grid);
    p.setPen(QPen(QColor(30, 30, 30, 140), 1.5, Qt::DotLine));
    for (int i = 0; i < class_count(); ++i)
        p.drawRect(
            QRectF(L.grid.left() + i * L.cell + 1, L.grid.top() + i * L.cell + 1, L.cell - 2, L.cell - 2));
    p.setRenderHint(QPainter::Antialiasing, true);
}

// The colour scale, and what the hatching means.
void ConfusionView::drawLegend(QPainter& p, const Layout& L, const QColor& color,
                               const QList<int>& unseen) const {
    const double pad = std::max(3.0, L.font * 0.35);
    const QFont labelFont = pixel_font(font(), L.font);
    const QFontMetricsF fm(labelFont);
    p.setFont(labelFont);
    p.setPen(QColor(50, 50, 50));
    const QString scaleText = tr("0 – 100 % of the row (true class)");
    const QString unseenText =
        unseen.isEmpty() ? QString()
                         : tr("hatched: classes %1 never saw in training").arg(env_label(shownEnv()));
    const double lineH = L.legend.height() / L.legendLines;
    const double swatchH = fm.height() * 0.7;
    const double scaleW = L.font * 5 + pad + fm.horizontalAdvance(scaleText);
    const double unseenW = unseen.isEmpty() ? 0 : L.font * 2 + pad + fm.horizontalAdvance(unseenText);
    auto drawScale = [&](double x, double y) {
        const QRectF bar(x, y + (lineH - swatchH) / 2, L.font * 5, swatchH);
        QLinearGradient g(bar.topLeft(), bar.topRight());
        g.setColorAt(0, Qt::white);
        g.setColorAt(1, color);
        p.fillRect(bar, g);
        p.setPen(QColor(150, 150, 150));
        p.drawRect(bar);
        p.setPen(QColor(50, 50, 50));
        p.drawText(QRectF(bar.right() + pad, y, scaleW, lineH), Qt::AlignLeft | Qt::AlignVCenter, scaleText);
    };
    auto drawUnseen = [&](double x, double y) {
        const QRectF box(x, y + (lineH - swatchH) / 2, L.font * 2, swatchH);
        p.fillRect(box, QColor(232, 232, 232));
        p.fillRect(box, QBrush(QColor(160, 160, 160), Qt::BDiagPattern));
        p.setPen(QColor(150, 150, 150));
        p.drawRect(box);
        p.setPen(QColor(50, 50, 50));
        p.drawText(QRectF(box.right() + pad, y, unseenW, lineH), Qt::AlignLeft | Qt::AlignVCenter,
                   unseenText);
    };
    if (L.legendLines == 1) {
        const double gap = unseen.isEmpty() ? 0 : L.font * 2;
        double x = L.legend.center().x() - (scaleW + gap + unseenW) / 2;
        drawScale(x, L.legend.top());
        if (!unseen.isEmpty())
            drawUnseen(x + scaleW + gap, L.legend.top());
    } else {
        drawScale(L.legend.center().x() - scaleW / 2, L.legend.top());
        drawUnseen(L.legend.center().x() - unseenW / 2, L.legend.top() + lineH);
    }
}

bool ConfusionView::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const ConfusionMatrix* m = matrixOrNull();
        const Layout L = m ? computeLayout() : Layout{};
        if (L.valid && L.grid.contains(help->pos())) {
            const int c = std::clamp(static_cast<int>((help->pos().x() - L.grid.left()) / L.cell), 0,
                                     class_count() - 1);
            const int r =
                std::clamp(static_cast<int>((help->pos().y() - L.grid.top()) / L.cell), 0, class_count() - 1);
            const auto& row = (*m)[static_cast<size_t>(r)];
            int64_t rowTotal = 0;
            for (int64_t v : row)
                rowTotal += v;
            const int64_t v = row[static_cast<size_t>(c)];
            const double pct =
                rowTotal > 0 ? 100.0 * static_cast<double>(v) / static_cast<double>(rowTotal) : 0.0;
            QToolTip::showText(help->globalPos(),
                               tr("True %1, predicted %2: %3 images\n(%4 % of the %5 test images)")
                                   .arg(class_name(r), class_name(c), grouped(v),
                                        QLocale(QLocale::English).toString(pct, 'f', 1), class_name(r)),
                               this);
        } else {
            QToolTip::hideText();
            e->ignore();
        }
        return true;
    }
    return QWidget::event(e);
}

} // namespace mergelab::ui
