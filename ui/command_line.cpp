#include "command_line.h"

#include "i18n.h"

#include <QCommandLineParser>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/settings.h"
#include "version.h"

namespace mergelab::ui {

namespace {

// QApplication's own options; those in the first list take a value.
const QStringList kQtValueOptions = {"platform",        "platformpluginpath",
                                     "platformtheme",   "plugin",
                                     "display",         "geometry",
                                     "qwindowgeometry", "qwindowicon",
                                     "qwindowtitle",    "style",
                                     "stylesheet",      "session",
                                     "title",           "name",
                                     "visual",          "fontengine"};
const QStringList kQtFlags = {"reverse", "widgetcount", "nograb", "dograb", "sync", "qmljsdebugger"};

QStringList without_qt_options(const QStringList& arguments) {
    QStringList out;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        QString name = a;
        while (name.startsWith('-'))
            name.remove(0, 1);
        const QString bare = name.section('=', 0, 0);
        if (i > 0 && a.startsWith('-') && kQtValueOptions.contains(bare)) {
            if (!name.contains('='))
                ++i; // its value follows
            continue;
        }
        if (i > 0 && a.startsWith('-') && kQtFlags.contains(bare))
            continue;
        out << a;
    }
    return out;
}

CommandLine usage_error(const QString& message) {
    CommandLine result;
    result.exit_code = 2;
    result.err = QStringLiteral("mergelab: %1\nmergelab: see mergelab --help\n").arg(message);
    return result;
}

} // namespace

// The app's names for the presets, and the registry's.
QString preset_key(const QString& name) {
    const QString key = name.toLower();
    if (key == "quick")
        return "quick";
    if (key == "v" || key == "paper-v")
        return "V";
    if (key == "h" || key == "paper-h")
        return "H";
    // Every other registered preset by its own name (H-strategies, H-gap).
    for (const auto& p : mergelab::presets())
        if (QString::fromStdString(p.name).toLower() == key)
            return QString::fromStdString(p.name);
    return {};
}

QString preset_names() {
    QStringList names{"quick", "paper-v", "paper-h"};
    for (const auto& p : mergelab::presets()) {
        const QString name = QString::fromStdString(p.name);
        if (name != "quick" && name != "V" && name != "H")
            names.append(name);
    }
    return names.join(QStringLiteral(", "));
}

CommandLine parse_command_line(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Watch neural networks trained in separate environments being merged.");
    const QCommandLineOption help({"h", "help"}, "Show this help and exit.");
    const QCommandLineOption version({"v", "version"}, "Show the version and exit.");
    const QCommandLineOption preset("preset", QStringLiteral("Load a preset: %1.").arg(preset_names()),
                                    "name");
    const QCommandLineOption autostart("autostart", "Start the run at once.");
    const QCommandLineOption quitWhenDone("quit-when-done",
                                          "Exit when the run ends (code 0 if it finished).");
    const QCommandLineOption screenshot("screenshot", "After the run, save the window as a PNG file.",
                                        "file");
    const QCommandLineOption open("open", "Open a saved run directory.", "dir");
    const QCommandLineOption data("data", "Fashion-MNIST directory.", "dir");
    const QCommandLineOption logLevel("log-level", "trace, debug, info, warn, error or off.", "level");
    const QCommandLineOption tab(
        "tab", "Show a tab by its name, e.g. accuracy, flow or interpolation (a wrong name lists them all).",
        "name");
    const QCommandLineOption size("size", "Window size, e.g. 1366x768 (default: fits the screen).", "WxH");
    const SettingDescriptor& roundsSetting = setting("rounds");
    const QCommandLineOption rounds("rounds",
                                    QStringLiteral("Override the round limit of the setup (%1).")
                                        .arg(QString::fromStdString(describe_range(roundsSetting))),
                                    "n");
    const QCommandLineOption report("report", "At exit, write start-up and responsiveness figures as JSON.",
                                    "file");
    const QCommandLineOption lang(
        "lang", "Language of the app: ko or en (default: the saved choice, else the system's).", "ko|en");
    const QCommandLineOption lesson("lesson",
                                    "Lesson mode: stop after each step of the algorithm (local training, "
                                    "merge, test, copy back) until Next (Space or Right arrow); with "
                                    "--open, replay that run step by step.");
    parser.addOptions({help, version, preset, autostart, quitWhenDone, screenshot, open, data, logLevel, tab,
                       size, rounds, report, lang, lesson});

    if (!parser.parse(without_qt_options(arguments)))
        return usage_error(parser.errorText());
    CommandLine result;
    if (parser.isSet(help)) {
        result.exit_code = 0;
        // Parsed before QApplication exists, the parser knows no program name.
        result.out =
            parser.helpText().replace(QStringLiteral("<executable_name>"), QStringLiteral("mergelab"));
        return result;
    }
    if (parser.isSet(version)) {
        result.exit_code = 0;
        result.out = QStringLiteral("MergeLab %1\n").arg(application_version());
        return result;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage_error(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    GuiOptions& o = result.options;
    if (parser.isSet(preset)) {
        o.preset = preset_key(parser.value(preset));
        if (o.preset.isEmpty())
            return usage_error(QStringLiteral("--preset: unknown preset '%1' (use %2)")
                                   .arg(parser.value(preset), preset_names()));
    }
    if (parser.isSet(rounds)) {
        // The setting's own check, as in mergelab-cli: refused, never changed.
        try {
            ExperimentConfig scratch;
            set_setting_text(scratch, roundsSetting, parser.value(rounds).toStdString());
            o.rounds = scratch.rounds;
        } catch (const UsageError& e) {
            return usage_error(QString::fromUtf8(e.what()));
        }
    }
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split('x');
        bool okW = false, okH = false;
        const int w = wh.size() == 2 ? wh[0].toInt(&okW) : 0;
        const int h = wh.size() == 2 ? wh[1].toInt(&okH) : 0;
        if (!okW || !okH || w < 200 || h < 200)
            return usage_error(
                QStringLiteral("--size takes WIDTHxHEIGHT of at least 200x200, e.g. 1366x768; got '%1'")
                    .arg(parser.value(size)));
        o.size = QSize(w, h);
    }
    o.autostart = parser.isSet(autostart);
    o.quitWhenDone = parser.isSet(quitWhenDone);
    o.screenshot = parser.value(screenshot);
    o.open = parser.value(open);
    o.data = parser.value(data);
    o.logLevel = parser.value(logLevel);
    o.tab = parser.value(tab);
    o.report = parser.value(report);
    o.lesson = parser.isSet(lesson);
    if (parser.isSet(lang) && !availableLanguages().contains(parser.value(lang)))
        return usage_error(QStringLiteral("--lang takes ko or en, got '%1'").arg(parser.value(lang)));
    o.lang = parser.value(lang);
    return result;
}

} // namespace mergelab::ui
