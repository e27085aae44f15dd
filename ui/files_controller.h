#pragma once
// The File menu and what it does with files: the Open dialog and the recent
// runs, Save run as, the metrics and the view on screen exported, and the
// folder the dialogs start in, remembered across sessions. Loading a run
// into the window is MainWindow's (openRequested asks for it).
#include <QObject>
#include <QString>

#include <functional>

class QAction;
class QMainWindow;
class QMenu;

namespace mergelab::ui {

class ExperimentRunner;
class RunModel;
class RunView;

class FilesController : public QObject {
    Q_OBJECT
public:
    // What the controller reads from the window it serves.
    struct Window {
        QMainWindow* window = nullptr;
        RunModel* model = nullptr;
        ExperimentRunner* runner = nullptr;
        std::function<RunView*()> shownView;  // the view on screen, or null
        std::function<QString()> shownRunDir; // the shown run's folder, or empty
    };
    // Fills `fileMenu`.
    FilesController(const Window& window, QMenu* fileMenu);

    QAction* openAction() const { return open_; }
    QAction* saveAction() const { return save_; }
    QMenu* recentMenu() const { return recent_; }

    // Where MergeLab keeps the runs it makes.
    static QString runsFolder();
    // Where a file dialog starts: the folder last used, else the runs folder.
    QString dialogFolder() const;
    // Puts `path` first in the recent runs.
    void addRecentRun(const QString& path);
    // Copies the shown run into `folder` under the run-folder rule: a new
    // or empty folder takes the run; for any other folder a new sub-folder
    // named after the run is offered (asked in a dialog); system folders
    // are refused. Returns the folder written, or empty.
    QString saveRunTo(const QString& folder);
    // Writes the view on screen (PNG at `scale` times its size, PDF, or SVG
    // by the suffix) without the widgets around it.
    bool exportView(const QString& path, double scale = 3.0);
    // Automation: no message boxes; refusals go to the status bar and log.
    void setQuiet(bool quiet) { quiet_ = quiet; }

signals:
    void openRequested(const QString& path);

private:
    void openDialog();
    void saveRunAs();
    void exportMetrics(bool json);
    void exportViewDialog();
    void rememberFolder(const QString& folder);
    void rebuildRecentMenu();
    void showMessage(const QString& text, int ms);

    Window w_;
    QAction* open_ = nullptr;
    QAction* save_ = nullptr;
    QMenu* recent_ = nullptr;
    bool quiet_ = false;
};

} // namespace mergelab::ui
