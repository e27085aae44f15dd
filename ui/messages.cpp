#include "messages.h"

#include <QMessageBox>

namespace mergelab::ui {

void show_warning(QWidget* parent, const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QString stop_summary(const RunResult& run) {
    const int rounds = static_cast<int>(run.rounds.size());
    switch (run.stopped) {
    case StopReason::Running:
        return QObject::tr("running");
    case StopReason::Target:
        return QObject::tr("reached the target accuracy after %n round(s)", nullptr, rounds);
    case StopReason::MaxRounds:
        return QObject::tr("finished all %n round(s)", nullptr, rounds);
    case StopReason::Cancelled:
        return QObject::tr("stopped by the user after %n finished round(s)", nullptr, rounds);
    case StopReason::Diverged:
        return QObject::tr("diverged after %n round(s)", nullptr, rounds);
    case StopReason::Failed:
        return QObject::tr("failed: %1").arg(QString::fromStdString(run.message));
    }
    return {};
}

QString phase_caption(const PhaseChanged& p) {
    switch (p.phase) {
    case Phase::Training:
        return QObject::tr("Round %1: Env %2 training").arg(p.round).arg(p.env + 1);
    case Phase::Baseline:
        return QObject::tr("Round %1: central baseline training").arg(p.round);
    case Phase::Merging:
        return QObject::tr("Round %1: merging (%2)").arg(p.round).arg(QString::fromStdString(p.method));
    case Phase::Evaluating:
        return QObject::tr("Round %1: testing %2").arg(p.round).arg(QString::fromStdString(p.method));
    case Phase::CopyingBack:
        return QObject::tr("Round %1: copying back").arg(p.round);
    case Phase::Saving:
        return QObject::tr("Round %1: saving").arg(p.round);
    }
    return {};
}

} // namespace mergelab::ui
