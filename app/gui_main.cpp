// mergelab: the desktop app. Automation flags make it usable for demos,
// tests and screenshots without a person at the keyboard.
#include <QApplication>
#include <QSaveFile>
#include <QTimer>

#include <iostream>
#include <memory>

#include "command_line.h"
#include "i18n.h"
#include "main_window.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "responsiveness_probe.h"
#include "setup_panel.h"
#include "version.h"

namespace {

// Starts the run once the window is up, or says why it cannot.
void autostart(mergelab::ui::MainWindow& window, bool quitWhenDone) {
    QTimer::singleShot(0, &window, [&window, quitWhenDone] {
        if (!window.setupPanel()->isValid()) {
            std::cerr << "mergelab: cannot start: " << window.setupPanel()->problem().toStdString() << '\n';
            if (quitWhenDone)
                QApplication::exit(1);
            return;
        }
        window.startRun();
    });
}

int run_window(QApplication& app, const mergelab::ui::GuiOptions& o) {
    mergelab::init_logging("info");
    if (!o.logLevel.isEmpty())
        mergelab::set_log_level(o.logLevel.toStdString());
    mergelab::ui::MainWindow window;
    if (!o.preset.isEmpty())
        window.applyPreset(o.preset);
    if (!o.data.isEmpty() || o.rounds) {
        auto config = window.setupPanel()->config();
        if (!o.data.isEmpty())
            config.data_dir = o.data.toStdString();
        if (o.rounds)
            config.rounds = *o.rounds;
        window.setupPanel()->setConfig(config);
    }
    window.setupPanel()->setLessonMode(o.lesson);
    std::unique_ptr<mergelab::ui::ResponsivenessProbe> probe;
    if (!o.report.isEmpty())
        probe = std::make_unique<mergelab::ui::ResponsivenessProbe>(&window, window.runner());
    window.setQuitWhenDone(o.quitWhenDone, o.screenshot);
    if (!o.tab.isEmpty())
        window.showTab(o.tab);
    if (o.size.isValid())
        window.resize(o.size);
    window.show();
    if (!o.open.isEmpty()) {
        const bool opened = window.openRun(o.open);
        if (opened && o.lesson)
            window.replayLesson();
        if (o.quitWhenDone) {
            const auto quit = [&window, opened, o] {
                QTimer::singleShot(500, &window, [&window, opened, o] {
                    if (!o.screenshot.isEmpty())
                        window.grab().save(o.screenshot);
                    QApplication::exit(opened ? 0 : 1);
                });
            };
            // The samples view's images are read after the run is shown.
            if (window.loadingTestImages())
                QObject::connect(&window, &mergelab::ui::MainWindow::testImagesLoaded, &window, quit,
                                 Qt::SingleShotConnection);
            else
                quit();
        }
    } else if (o.autostart) {
        autostart(window, o.quitWhenDone);
    }
    const int code = app.exec();
    if (probe) {
        QSaveFile out(o.report);
        if (out.open(QIODevice::WriteOnly)) {
            out.write(probe->reportJson());
            out.commit();
        }
    }
    return code;
}

} // namespace

int main(int argc, char** argv) {
    QApplication::setApplicationName("MergeLab");
    QApplication::setOrganizationName("MergeLab");
    QApplication::setApplicationVersion(mergelab::ui::application_version());

    // Read before QApplication exists: --help, --version and bad options
    // need no display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const mergelab::ui::CommandLine line = mergelab::ui::parse_command_line(arguments);
    if (line.exit_code >= 0) {
        std::cout << line.out.toStdString();
        std::cerr << line.err.toStdString();
        return line.exit_code;
    }

    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(":/mergelab.svg"));
    mergelab::ui::installLanguage(mergelab::ui::chooseLanguage(line.options.lang));
    try {
        return run_window(app, line.options);
    } catch (const mergelab::UsageError& e) {
        std::cerr << "mergelab: " << e.what() << '\n';
        return 2;
    }
}
