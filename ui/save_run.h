#pragma once
// Where "Save run as" may write. The core decides what a run folder may be
// (mergelab/run_folder.h: new, empty, or a MergeLab run); this adds what a
// person choosing a folder in a dialog needs: a folder that holds anything
// is never written into, a new sub-folder named after the run is offered
// instead (beside, never inside, another run's folder), and system folders
// are refused outright.
#include <QString>

namespace mergelab::ui {

struct SavePlan {
    enum Kind {
        CopyInto,     // `target` is new or empty: the run goes there
        NewSubfolder, // `target` is a new sub-folder of the chosen one; ask first
        NewBeside,    // the chosen one is or is inside another run: `target` is a new folder beside that run;
                      // ask first
        Refuse,       // `why` says why
    };
    Kind kind = Refuse;
    QString target;
    QString why;
};

SavePlan plan_run_save(const QString& run_dir, const QString& chosen);
// "/", "/usr", "/etc" and the like, and anything under them but /tmp.
bool is_system_folder(const QString& path);

} // namespace mergelab::ui
