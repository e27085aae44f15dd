#include "responsiveness_probe.h"

#include <QEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWidget>

#include <algorithm>

#include "experiment_runner.h"

namespace mergelab::ui {

namespace {
constexpr int kIntervalMs = 10;
}

ResponsivenessProbe::ResponsivenessProbe(QWidget* window, ExperimentRunner* runner, QObject* parent)
    : QObject(parent)
    , runner_(runner) {
    window->installEventFilter(this);
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(kIntervalMs);
    clock_.start();
    connect(&timer_, &QTimer::timeout, this, [this] {
        const qint64 now = clock_.nsecsElapsed();
        // Only while training: that is when the window has to compete.
        if (runner_->isRunning() && !runner_->isPaused() && last_ns_ >= 0)
            lateness_ms_.append(std::max(0.0, (now - last_ns_) / 1e6 - kIntervalMs));
        last_ns_ = now;
    });
    timer_.start();
}

bool ResponsivenessProbe::eventFilter(QObject* watched, QEvent* event) {
    if (firstPaint_ == 0 && event->type() == QEvent::Paint)
        firstPaint_ = QDateTime::currentMSecsSinceEpoch();
    return QObject::eventFilter(watched, event);
}

QByteArray ResponsivenessProbe::reportJson() const {
    QVector<double> sorted = lateness_ms_;
    std::sort(sorted.begin(), sorted.end());
    auto quantile = [&](double q) {
        return sorted.isEmpty()
                   ? 0.0
                   : sorted[std::min<qsizetype>(sorted.size() - 1, qsizetype(q * sorted.size()))];
    };
    QJsonObject lateness{{"p50", quantile(0.5)},
                         {"p99", quantile(0.99)},
                         {"max", sorted.isEmpty() ? 0.0 : sorted.last()},
                         {"samples", sorted.size()}};
    QJsonObject report{{"first_paint_epoch_ms", double(firstPaint_)}, {"timer_lateness_ms", lateness}};
    return QJsonDocument(report).toJson();
}

} // namespace mergelab::ui
