#include "insight_kit.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "i18n.h"
#include "mergelab/run_files.h"
#include "mergelab/settings.h"
#include "run_model.h"

namespace mergelab::ui {

QString models_folder(const RunModel& model, const RunResult& run) {
    const QString lane = QString::fromStdString(run.lane);
    // With repeats each seed's models are in its seed-N/ below the strategy.
    QString seed = QString::fromStdString(repeat_folder(run));
    if (seed.endsWith('/'))
        seed.chop(1);
    const auto with_seed = [&](const QString& folder) {
        return seed.isEmpty() ? folder : folder + "/" + seed;
    };
    QString base = model.origin();
    if (base.isEmpty()) {
        // Live (or just finished): the folder the engine saves into.
        base = QString::fromStdString(model.config().out_dir);
        if (base.isEmpty())
            return {};
        return with_seed(lane.isEmpty() ? base : base + "/lanes/" + lane);
    }
    const QFileInfo info(base);
    // A run.json opened directly: a seed's own sits in the folder of its
    // models, a strategy's list of seeds above them.
    if (!info.isDir())
        return QFileInfo(info.absolutePath()).fileName() == seed ? info.absolutePath()
                                                                 : with_seed(info.absolutePath());
    if (!lane.isEmpty() && QFileInfo::exists(base + "/lanes.json"))
        return with_seed(base + "/lanes/" + lane);
    return with_seed(base);
}

QString env_model_path(const QString& folder, int round, int env) {
    return folder + "/models/" + QString::fromStdString(model_file_name(round, env + 1));
}

QString method_model_path(const QString& folder, int round, const QString& method) {
    return folder + "/models/" + QString::fromStdString(model_file_name(round, method.toStdString()));
}

QVBoxLayout* make_view_column(QWidget* view, QHBoxLayout*& top) {
    auto* layout = new QVBoxLayout(view);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    top = new QHBoxLayout;
    top->setContentsMargins(6, 4, 6, 0);
    layout->addLayout(top);
    return layout;
}

QComboBox* add_labelled_combo(QHBoxLayout* row, const QString& text, QWidget* owner) {
    auto* label = new QLabel(text, owner);
    auto* box = new QComboBox(owner);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    label->setBuddy(box);
    row->addWidget(label);
    row->addWidget(box);
    return box;
}

QString missing_models_text(int round) {
    // Named by the Setup panel's own check box, which the window's user has.
    return QObject::tr("The models of round %1 were not kept: a run keeps the newest round's models only. "
                       "Tick \"%2\" in the Setup panel to keep every round's.")
        .arg(round)
        .arg(coreText(setting("save_all").label));
}

bool predates_insight(const RunResult& run) {
    return run.format_version == 1;
}

QString predates_text(const QString& what) {
    return QObject::tr("This run predates %1: it was saved in run format 1. Run it again to see it.")
        .arg(what);
}

} // namespace mergelab::ui
