#pragma once
// The desktop app's command line, read before any window exists: --help
// and --version print and exit 0 without a display, and a bad option or
// value exits 2 naming it, as the CLI does. Values of settings (--rounds)
// are checked against their declaration in the core.
#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace mergelab::ui {

struct GuiOptions {
    QString preset; // quick, V or H (registry names)
    bool autostart = false;
    bool quitWhenDone = false;
    QString screenshot;
    QString open;
    QString data;
    QString logLevel;
    QString tab;
    QSize size; // invalid: the window picks one that fits the screen
    std::optional<int> rounds;
    QString report;
    QString lang; // "ko", "en" or empty (the saved choice, else the system's)
    // Lesson mode for runs started in this window; with --open, the opened
    // run is replayed as a lesson.
    bool lesson = false;
};

struct CommandLine {
    // -1: carry on and open the window; otherwise exit with it after
    // printing `out` (stdout) and `err` (stderr).
    int exit_code = -1;
    QString out;
    QString err;
    GuiOptions options;
};

// The registry's name of a preset as the app spells it ("paper-v" is V,
// any case), or empty for none; and the spellings, for messages.
QString preset_key(const QString& name);
QString preset_names();

// `arguments` as in argv, the program first. Qt's own options (-platform,
// -style, ...) are left for QApplication.
CommandLine parse_command_line(const QStringList& arguments);

} // namespace mergelab::ui
