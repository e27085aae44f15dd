// mergelab: the desktop app. Automation flags make it usable for demos,
// tests and screenshots without a person at the keyboard.
#include <QApplication>
#include <QCommandLineParser>
#include <QSaveFile>
#include <QTimer>

#include <memory>

#include <iostream>

#include "i18n.h"
#include "main_window.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "responsiveness_probe.h"
#include "setup_panel.h"
#include "version.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("MergeLab");
    QApplication::setOrganizationName("MergeLab");
    QApplication::setApplicationVersion(mergelab::ui::application_version());
    QApplication::setWindowIcon(QIcon(":/mergelab.svg"));

    QCommandLineParser parser;
    parser.setApplicationDescription("Watch neural networks trained in separate environments being merged.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption preset("preset", "Load a preset: quick, paper-v or paper-h.", "name");
    const QCommandLineOption autostart("autostart", "Start the run at once.");
    const QCommandLineOption quitWhenDone("quit-when-done", "Exit when the run ends (code 0 if it finished).");
    const QCommandLineOption screenshot("screenshot", "After the run, save the window as a PNG file.", "file");
    const QCommandLineOption open("open", "Open a saved run directory.", "dir");
    const QCommandLineOption data("data", "Fashion-MNIST directory.", "dir");
    const QCommandLineOption logLevel("log-level", "trace, debug, info, warn, error or off.", "level");
    const QCommandLineOption tab("tab", "Show a tab: accuracy, weights, confusion, flow or samples.", "name");
    const QCommandLineOption size("size", "Window size, e.g. 1366x768.", "WxH");
    const QCommandLineOption rounds("rounds", "Override the round limit of the setup.", "n");
    const QCommandLineOption report("report", "At exit, write start-up and responsiveness figures as JSON.", "file");
    const QCommandLineOption lang("lang", "Language of the app: ko or en (default: the saved choice, else the system's).",
                                  "ko|en");
    parser.addOptions({preset, autostart, quitWhenDone, screenshot, open, data, logLevel, tab, size, rounds, report, lang});
    parser.process(app);
    if (parser.isSet(lang) && !mergelab::ui::availableLanguages().contains(parser.value(lang))) {
        std::cerr << "mergelab: --lang takes ko or en\n";
        return 2;
    }
    mergelab::ui::installLanguage(mergelab::ui::chooseLanguage(parser.value(lang)));

    try {
        mergelab::init_logging("info");
        if (parser.isSet(logLevel)) mergelab::set_log_level(parser.value(logLevel).toStdString());
        mergelab::ui::MainWindow window;
        if (parser.isSet(preset)) window.applyPreset(parser.value(preset));
        if (parser.isSet(data) || parser.isSet(rounds)) {
            auto config = window.setupPanel()->config();
            if (parser.isSet(data)) config.data_dir = parser.value(data).toStdString();
            if (parser.isSet(rounds)) config.rounds = parser.value(rounds).toInt();
            window.setupPanel()->setConfig(config);
        }
        std::unique_ptr<mergelab::ui::ResponsivenessProbe> probe;
        if (parser.isSet(report)) probe = std::make_unique<mergelab::ui::ResponsivenessProbe>(&window, window.runner());
        window.setQuitWhenDone(parser.isSet(quitWhenDone), parser.value(screenshot));
        if (parser.isSet(tab)) window.showTab(parser.value(tab));
        if (parser.isSet(size)) {
            const QStringList wh = parser.value(size).split('x');
            if (wh.size() != 2 || wh[0].toInt() < 200 || wh[1].toInt() < 200) {
                std::cerr << "mergelab: --size takes WIDTHxHEIGHT, e.g. 1366x768\n";
                return 2;
            }
            window.resize(wh[0].toInt(), wh[1].toInt());
        }
        window.show();
        if (parser.isSet(open)) {
            const bool opened = window.openRun(parser.value(open));
            if (parser.isSet(quitWhenDone)) {
                QTimer::singleShot(500, &window, [&window, opened, &parser, &screenshot] {
                    if (parser.isSet(screenshot)) window.grab().save(parser.value(screenshot));
                    QApplication::exit(opened ? 0 : 1);
                });
            }
        } else if (parser.isSet(autostart)) {
            QTimer::singleShot(0, &window, [&window, &parser, &quitWhenDone] {
                if (!window.setupPanel()->isValid()) {
                    std::cerr << "mergelab: cannot start: " << window.setupPanel()->problem().toStdString() << '\n';
                    if (parser.isSet(quitWhenDone)) QApplication::exit(1);
                    return;
                }
                window.startRun();
            });
        }
        const int code = app.exec();
        if (probe) {
            QSaveFile out(parser.value(report));
            if (out.open(QIODevice::WriteOnly)) {
                out.write(probe->reportJson());
                out.commit();
            }
        }
        return code;
    } catch (const mergelab::UsageError& e) {
        std::cerr << "mergelab: " << e.what() << '\n';
        return 2;
    }
}
