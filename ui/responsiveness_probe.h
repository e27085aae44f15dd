#pragma once
// Measures how responsive the window stays: when it is first painted, and
// how late a 10 ms timer fires while a run is going on. For benchmarks
// (mergelab --report FILE); costs nothing unless created.
#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QVector>

namespace mergelab::ui {

class ExperimentRunner;

class ResponsivenessProbe : public QObject {
    Q_OBJECT
public:
    ResponsivenessProbe(QWidget* window, ExperimentRunner* runner, QObject* parent = nullptr);
    // {"first_paint_epoch_ms": ..., "timer_lateness_ms": {"p50","p99","max","samples"}}
    QByteArray reportJson() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    ExperimentRunner* runner_;
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ns_ = -1;
    qint64 firstPaint_ = 0;
    QVector<double> lateness_ms_;
};

} // namespace mergelab::ui
