#pragma once
// What the views that explain merges (provenance, scatter, interpolation,
// per-class accuracy, methods side by side) share: where the shown run's
// model files are, texts for what a run cannot show, and work done on a
// pool thread with its result delivered on the GUI thread.
#include <QColor>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <functional>
#include <memory>

#include "palette.h" // class_color

class QComboBox;
class QHBoxLayout;
class QVBoxLayout;
class QWidget;
#include "run_data.h"

namespace mergelab::ui {

class RunModel;

// The folder holding the shown run's models/ (a lane's own folder in lanes
// mode, and with repeats the seed's seed-N/ in it), or empty when the run
// was never saved.
QString models_folder(const RunModel& model, const RunResult& run);
// models/round-NNN-env-K.pt (env from 0) and models/round-NNN-METHOD.pt.
QString env_model_path(const QString& folder, int round, int env);
QString method_model_path(const QString& folder, int round, const QString& method);
// Why a round's weights cannot be shown: only the newest round's models
// are kept unless every round's are saved.
QString missing_models_text(int round);
// The explaining views' frame: a column on `view` whose first row holds the
// view's choices (returned as `top`; the caller ends it with a stretch).
QVBoxLayout* make_view_column(QWidget* view, QHBoxLayout*& top);
// A combo after its label in `row`; the label's mnemonic focuses it.
QComboBox* add_labelled_combo(QHBoxLayout* row, const QString& text, QWidget* owner);
// Runs of format 1 lack provenance and the env 1 -> env 2 path.
bool predates_insight(const RunResult& run);
QString predates_text(const QString& what);

// A result or the message of what went wrong making it.
template <typename T> struct Outcome {
    std::shared_ptr<T> value;
    QString error;
};

// Runs `work` on Qt's thread pool, never on the engine's threads, and hands
// its outcome to `done` on `receiver`'s thread. A later call with the same
// `generation` counter makes earlier results stale: they are dropped, so a
// slow answer never overwrites a newer question.
template <typename T>
void run_in_background(QObject* receiver, std::shared_ptr<int> generation, std::function<T()> work,
                       std::function<void(const Outcome<T>&)> done) {
    const int mine = ++*generation;
    auto* watcher = new QFutureWatcher<Outcome<T>>(receiver);
    QObject::connect(watcher, &QFutureWatcher<Outcome<T>>::finished, receiver,
                     [watcher, generation, mine, done] {
                         watcher->deleteLater();
                         if (*generation == mine)
                             done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run([work]() -> Outcome<T> {
        try {
            return {std::make_shared<T>(work()), {}};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromStdString(e.what())};
        }
    }));
}

} // namespace mergelab::ui
