#include "summary_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

#include "mergelab/repeats.h"
#include "messages.h"
#include "palette.h"
#include "run_model.h"
#include "zoom.h"

namespace mergelab::ui {

namespace {

enum Column { Model, Final, Best, Rounds, Status, Time, Columns };

// A short line in the method's colour and the lane's style.
QIcon line_icon(const QColor& color, Qt::PenStyle style) {
    QPixmap pixmap(36, 12);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(color, 2.6, style, Qt::FlatCap));
    p.drawLine(QPointF(1, 6), QPointF(35, 6));
    return QIcon(pixmap);
}

QString percent(double fraction) {
    return QStringLiteral("%1 %").arg(fraction * 100.0, 0, 'f', 2);
}

struct Scores {
    double last = -1;
    double best = -1;
    int bestRound = 0;
};

Scores scores_of(const RunResult& run, const std::string& method) {
    Scores s;
    for (const RoundResult& r : run.rounds) {
        const MethodMetrics* m = r.method(method);
        if (!m)
            continue;
        s.last = m->test_acc;
        if (m->test_acc > s.best) {
            s.best = m->test_acc;
            s.bestRound = r.round;
        }
    }
    return s;
}

double seconds_of(const RunResult& run) {
    double total = 0;
    for (const RoundResult& r : run.rounds)
        total += r.seconds;
    return total;
}

} // namespace

SummaryView::SummaryView(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    heading_ = new QLabel(this);
    heading_->setWordWrap(true);
    auto fitHeading = [this] {
        QFont bold = zoomed_app_font(1.15);
        bold.setBold(true);
        heading_->setFont(bold);
    };
    fitHeading();
    on_zoom(heading_, fitHeading);
    table_ = new QTableWidget(0, Columns, this);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->setIconSize(QSize(36, 12));
    layout->addWidget(heading_);
    layout->addWidget(table_, 1);
    refresh();
}

void SummaryView::setRunModel(RunModel* model) {
    model_ = model;
    for (auto signal : {&RunModel::runReset, &RunModel::liveFinished, &RunModel::dataChanged})
        connect(model, signal, this, &SummaryView::refresh);
    connect(model, &RunModel::laneAdded, this, &SummaryView::refresh);
    connect(model, &RunModel::laneSelected, this, &SummaryView::refresh);
    connect(model, &RunModel::laneRoundAdded, this, &SummaryView::refresh);
    refresh();
}

QWidget* SummaryView::exportWidget() {
    return this;
}

QSize SummaryView::exportSize() {
    int width = 0;
    for (int c = 0; c < table_->columnCount(); ++c)
        width += table_->columnWidth(c) + 12;
    const int line = fontMetrics().height() + 10;
    return {std::max(width, 400) + 20, line * (table_->rowCount() + 3) + 10};
}

void SummaryView::renderExport(QCPPainter& painter) {
    // Drawn as text and lines (a table widget would land in a PDF as
    // pictures of itself).
    const QSize size = exportSize();
    const int line = fontMetrics().height() + 10;
    painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(Qt::black);
    painter.drawText(QRect(10, 0, size.width() - 20, line * 2),
                     Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, heading_->text());
    int y = line * 2;
    auto row = [&](int r) {
        int x = 10;
        for (int c = 0; c < table_->columnCount(); ++c) {
            const int w = table_->columnWidth(c) + 12;
            QString text = r < 0 ? table_->horizontalHeaderItem(c)->text() : cell(r, c);
            if (r >= 0 && c == Model) {
                // The lane's line as in the chart, in vector form.
                const QTableWidgetItem* item = table_->item(r, c);
                const QPen pen = item ? item->data(Qt::UserRole).value<QPen>() : QPen();
                painter.setPen(pen);
                painter.drawLine(QPointF(x, y + line / 2.0), QPointF(x + 30, y + line / 2.0));
                painter.setPen(Qt::black);
                painter.drawText(QRect(x + 36, y, w - 36, line), Qt::AlignLeft | Qt::AlignVCenter, text);
            } else {
                painter.drawText(QRect(x, y, w, line), Qt::AlignLeft | Qt::AlignVCenter, text);
            }
            x += w;
        }
        painter.setPen(QPen(QColor(200, 200, 200), 1));
        painter.drawLine(QLineF(10, y + line, size.width() - 10, y + line));
        painter.setPen(Qt::black);
        y += line;
    };
    row(-1);
    painter.setFont(font());
    for (int r = 0; r < table_->rowCount(); ++r)
        row(r);
}

QString SummaryView::cell(int row, int column) const {
    const QTableWidgetItem* item = table_->item(row, column);
    return item ? item->text() : QString();
}

int SummaryView::rowCount() const {
    return table_->rowCount();
}

QString SummaryView::heading() const {
    return heading_->text();
}

void SummaryView::setColumns(const QStringList& headers) {
    table_->setColumnCount(static_cast<int>(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
}

void SummaryView::refresh() {
    table_->setRowCount(0);
    if (model_ && model_->hasRepeats() && model_->laneCount() > 0) {
        fillRepeats();
        table_->resizeColumnsToContents();
        return;
    }
    setColumns({tr("Model"), tr("Test accuracy, last round"), tr("Best (round)"), tr("Rounds"),
                tr("How it ended"), tr("Time")});
    if (!model_ || model_->laneCount() == 0) {
        heading_->setText(
            tr("No run yet: start one, or open a run folder. Its methods (or lanes) are compared here."));
        return;
    }
    if (model_->laneCount() > 1 || model_->config().mode == Mode::Lanes)
        fillLanes();
    else
        fillMethods();
    table_->resizeColumnsToContents();
}

void SummaryView::fillLanes() {
    const int lanes = model_->laneCount();
    const int planned = model_->plannedLanes();
    heading_->setText(
        tr("Lanes side by side: %1 of %n lane(s), each a whole experiment with one merge method, the same "
           "seed, initial weights and data order",
           nullptr, planned)
            .arg(lanes));
    table_->setRowCount(lanes);
    for (int i = 0; i < lanes; ++i) {
        const RunResult& run = *model_->lane(i);
        const QString method = QString::fromStdString(run.lane);
        const Scores s = scores_of(run, run.lane);
        auto* name = new QTableWidgetItem(line_icon(method_color(method), lane_pen_style(i)),
                                          tr("lane %1 (%2 of %3)").arg(method).arg(i + 1).arg(planned));
        name->setData(Qt::UserRole, QPen(method_color(method), 2.6, lane_pen_style(i), Qt::FlatCap));
        table_->setItem(i, Model, name);
        table_->setItem(i, Final, new QTableWidgetItem(s.last >= 0 ? percent(s.last) : tr("no round yet")));
        table_->setItem(i, Best,
                        new QTableWidgetItem(s.best >= 0 ? tr("%1 (%2)").arg(percent(s.best)).arg(s.bestRound)
                                                         : QString()));
        table_->setItem(i, Rounds, new QTableWidgetItem(QString::number(run.rounds.size())));
        const bool running = i == model_->runningLane();
        table_->setItem(i, Status,
                        new QTableWidgetItem(running ? (model_->isPaused() ? tr("paused") : tr("running"))
                                                     : stop_summary(run)));
        table_->setItem(i, Time, new QTableWidgetItem(tr("%1 s").arg(seconds_of(run), 0, 'f', 1)));
    }
}

void SummaryView::fillMethods() {
    const RunResult& run = *model_->run();
    heading_->setText(tr("Merged models side by side: every method merged the same local models each round"));
    std::vector<std::string> methods;
    for (const RoundResult& r : run.rounds)
        for (const MethodMetrics& m : r.merged)
            if (std::find(methods.begin(), methods.end(), m.method) == methods.end())
                methods.push_back(m.method);
    const bool running = model_->runningLane() >= 0;
    table_->setRowCount(static_cast<int>(methods.size()));
    for (size_t i = 0; i < methods.size(); ++i) {
        const int row = static_cast<int>(i);
        const QString method = QString::fromStdString(methods[i]);
        const Scores s = scores_of(run, methods[i]);
        const bool primary = !run.rounds.empty() && run.rounds.back().primary == methods[i];
        auto* name = new QTableWidgetItem(line_icon(method_color(method), Qt::SolidLine),
                                          primary ? tr("%1 (copied back)").arg(method) : method);
        name->setData(Qt::UserRole, QPen(method_color(method), 2.6, Qt::SolidLine, Qt::FlatCap));
        table_->setItem(row, Model, name);
        table_->setItem(row, Final, new QTableWidgetItem(percent(s.last)));
        table_->setItem(row, Best, new QTableWidgetItem(tr("%1 (%2)").arg(percent(s.best)).arg(s.bestRound)));
        table_->setItem(row, Rounds, new QTableWidgetItem(QString::number(run.rounds.size())));
        table_->setItem(row, Status, new QTableWidgetItem(running ? tr("running") : stop_summary(run)));
        table_->setItem(row, Time, new QTableWidgetItem(tr("%1 s").arg(seconds_of(run), 0, 'f', 1)));
    }
}

namespace {

// "71.13 ± 1.83 [66.60, 75.67]" in %, signed for a difference.
QString figures(const Spread& s, bool difference) {
    if (s.n == 0)
        return QString();
    const QString mean = QString::number(100 * s.mean, 'f', 2);
    QString text = QStringLiteral("%1 ± %2")
                       .arg(difference && s.mean >= 0 ? QStringLiteral("+") + mean : mean)
                       .arg(100 * s.sd, 0, 'f', 2);
    if (s.n > 1)
        text += QStringLiteral(" [%1, %2]").arg(100 * s.lo, 0, 'f', 2).arg(100 * s.hi, 0, 'f', 2);
    return text;
}

} // namespace

void SummaryView::fillRepeats() {
    const RepeatsSummary summary = summarize_repeats(model_->runs());
    const QString primary = QString::fromStdString(summary.primary);
    setColumns({tr("Strategy"), tr("Seeds"), tr("Final accuracy (%)"),
                tr("Last %1 rounds (%)").arg(kLastRounds), tr("Final minus %1").arg(primary),
                tr("Last %1 minus %2").arg(kLastRounds).arg(primary)});
    heading_->setText(tr("Repeats: every strategy ran with %n seed(s). Each cell: mean ± sample standard "
                         "deviation over the "
                         "seeds [95 % Student-t interval of the mean]. The last two columns subtract %1's "
                         "figure seed by seed; "
                         "an interval that excludes 0 means the difference holds across seeds.",
                         nullptr, summary.seeds)
                          .arg(primary));
    const bool lanes = !model_->lane(0)->lane.empty();
    table_->setRowCount(static_cast<int>(summary.strategies.size()));
    QList<QRgb> used;
    for (size_t i = 0; i < summary.strategies.size(); ++i) {
        const StrategySpread& s = summary.strategies[i];
        const int row = static_cast<int>(i);
        const QString name = QString::fromStdString(s.strategy);
        const QColor color = strategy_color(name, used);
        const Qt::PenStyle style = lanes ? lane_pen_style(row) : Qt::SolidLine;
        auto* item = new QTableWidgetItem(
            line_icon(color, style), s.strategy == summary.primary ? tr("%1 (primary)").arg(name) : name);
        item->setData(Qt::UserRole, QPen(color, 2.6, style, Qt::FlatCap));
        table_->setItem(row, 0, item);
        table_->setItem(row, 1, new QTableWidgetItem(QString::number(s.final_acc.n)));
        table_->setItem(row, 2, new QTableWidgetItem(figures(s.final_acc, false)));
        table_->setItem(row, 3, new QTableWidgetItem(figures(s.last_acc, false)));
        table_->setItem(row, 4, new QTableWidgetItem(figures(s.diff_final, true)));
        table_->setItem(row, 5, new QTableWidgetItem(figures(s.diff_last, true)));
    }
}

} // namespace mergelab::ui
