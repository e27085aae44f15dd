#include "log_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMetaObject>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include <spdlog/sinks/base_sink.h>

#include "mergelab/log.h"

namespace mergelab::ui {

namespace {

// Formats on the logging thread, then hands the line to the GUI thread.
class PanelSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit PanelSink(LogPanel* panel)
        : panel_(panel) {}
    void detach() {
        std::lock_guard<std::mutex> lock(mutex_);
        panel_ = nullptr;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        const QString line =
            QString::fromUtf8(formatted.data(), static_cast<int>(formatted.size())).trimmed();
        const QString time = line.section(QLatin1Char('\x1f'), 0, 0);
        const QString message = line.section(QLatin1Char('\x1f'), 1);
        const int level = static_cast<int>(msg.level);
        // base_sink holds mutex_ here, so the panel cannot detach meanwhile;
        // events posted to a panel that is later deleted are discarded.
        LogPanel* panel = panel_;
        if (!panel)
            return;
        QMetaObject::invokeMethod(
            panel, [panel, level, time, message] { panel->append(level, time, message); },
            Qt::QueuedConnection);
    }
    void flush_() override {}

private:
    LogPanel* panel_;
};

} // namespace

LogPanel::LogPanel(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Show:")));
    level_ = new QComboBox;
    level_->addItem(tr("Debug and above"), static_cast<int>(spdlog::level::debug));
    level_->addItem(tr("Info and above"), static_cast<int>(spdlog::level::info));
    level_->addItem(tr("Warnings and errors"), static_cast<int>(spdlog::level::warn));
    level_->addItem(tr("Errors only"), static_cast<int>(spdlog::level::err));
    level_->setCurrentIndex(1);
    row->addWidget(level_);
    row->addStretch(1);
    layout->addLayout(row);
    view_ = new QPlainTextEdit;
    view_->setReadOnly(true);
    view_->setMaximumBlockCount(5000);
    view_->setFont(QFont("monospace"));
    layout->addWidget(view_, 1);
    connect(level_, &QComboBox::currentIndexChanged, this, &LogPanel::refilter);

    auto sink = std::make_shared<PanelSink>(this);
    // Time and message apart: the panel names the level and words the message.
    sink->set_pattern("%H:%M:%S\x1f%v");
    logger()->sinks().push_back(sink);
    sink_ = sink;
}

LogPanel::~LogPanel() {
    auto sink = std::static_pointer_cast<PanelSink>(sink_);
    sink->detach();
    auto& sinks = logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), std::static_pointer_cast<spdlog::sinks::sink>(sink)),
                sinks.end());
}

QString LogPanel::levelName(int level) {
    switch (static_cast<spdlog::level::level_enum>(level)) {
    case spdlog::level::trace:
        return tr("trace");
    case spdlog::level::debug:
        return tr("debug");
    case spdlog::level::info:
        return tr("info");
    case spdlog::level::warn:
        return tr("warning");
    case spdlog::level::err:
    case spdlog::level::critical:
        return tr("error");
    default:
        return {};
    }
}

namespace {

// One skipped file as the image folder loader names it, "PATH: why"; a
// decoder's own words in parentheses stay as the library wrote them.
QString skipped_file(const QString& line) {
    using Words = std::function<QString(const QRegularExpressionMatch&)>;
    const std::vector<std::pair<QString, Words>> why = {
        {QStringLiteral("^is not a PNG or JPEG image$"),
         [](const auto&) { return LogPanel::tr("is not a PNG or JPEG image"); }},
        {QStringLiteral("^is not a regular file$"),
         [](const auto&) { return LogPanel::tr("is not a regular file"); }},
        {QStringLiteral("^cannot be opened \\((.*)\\)$"),
         [](const auto& m) { return LogPanel::tr("cannot be opened (%1)").arg(m.captured(1)); }},
        {QStringLiteral("^is larger than (\\d+) MB$"),
         [](const auto& m) { return LogPanel::tr("is larger than %1 MB").arg(m.captured(1)); }},
        {QStringLiteral("^claims (\\d+) x (\\d+) pixels, more than MergeLab decodes$"),
         [](const auto& m) {
             return LogPanel::tr("claims %1 x %2 pixels, more than MergeLab decodes")
                 .arg(m.captured(1), m.captured(2));
         }},
        {QStringLiteral("^is not a readable PNG \\((.*)\\)$"),
         [](const auto& m) { return LogPanel::tr("is not a readable PNG (%1)").arg(m.captured(1)); }},
        {QStringLiteral("^is a damaged PNG \\((.*)\\)$"),
         [](const auto& m) { return LogPanel::tr("is a damaged PNG (%1)").arg(m.captured(1)); }},
        {QStringLiteral("^is a damaged JPEG \\((.*)\\)$"),
         [](const auto& m) { return LogPanel::tr("is a damaged JPEG (%1)").arg(m.captured(1)); }},
        {QStringLiteral("^is too large to decode$"),
         [](const auto&) { return LogPanel::tr("is too large to decode"); }},
        {QStringLiteral("^has no pixels$"), [](const auto&) { return LogPanel::tr("has no pixels"); }},
    };
    // The path may hold ": " itself; the reason is what follows the last one
    // that leaves a known reason.
    for (int colon = line.lastIndexOf(QLatin1String(": ")); colon > 0;
         colon = line.lastIndexOf(QLatin1String(": "), colon - 1)) {
        const QString rest = line.mid(colon + 2);
        for (const auto& [pattern, words] : why)
            if (const auto m = QRegularExpression(pattern).match(rest); m.hasMatch())
                return line.left(colon + 2) + words(m);
    }
    return line;
}

} // namespace

QString LogPanel::translated(const QString& message) {
    using Words = std::function<QString(const QRegularExpressionMatch&)>;
    auto cap = [](const QRegularExpressionMatch& m, int i) { return m.captured(i); };
    // "environment 2" and "the baseline participant", as the engine names them.
    const auto who = [](const QString& english) {
        // "environment 1 (process 903 on vm at ipv4:127.0.0.1:50000)"
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("^(?:environment (\\d+)|the baseline participant)"
                                              "(?: \\(process (\\d+) on (.+) at (\\S+)\\))?(.*)$"))
                .match(english);
        if (!m.hasMatch())
            return english;
        QString name = m.captured(1).isEmpty() ? tr("the baseline participant")
                                               : tr("environment %1").arg(m.captured(1));
        if (!m.captured(2).isEmpty())
            name += QLatin1Char(' ') +
                    tr("(process %1 on %2, %3)")
                        .arg(m.captured(2), m.captured(3),
                             m.captured(4).remove(QRegularExpression(QStringLiteral("^ipv[46]:"))));
        return name + m.captured(5);
    };
    static const QString kWho =
        QStringLiteral("((?:environment \\d+|the baseline participant)(?: \\(.*\\))?)");
    const std::vector<std::pair<QString, Words>> known = {
        {QStringLiteral("^lane (\\S+): (.*)$"),
         [&](const auto& m) { return tr("lane %1: %2").arg(cap(m, 1), translated(cap(m, 2))); }},
        {QStringLiteral("^reached the round limit of (\\d+)$"),
         [&](const auto& m) { return tr("reached the round limit of %1").arg(cap(m, 1)); }},
        {QStringLiteral("^every environment reached the target accuracy in round (\\d+)$"),
         [&](const auto& m) {
             return tr("every environment reached the target accuracy in round %1").arg(cap(m, 1));
         }},
        {QStringLiteral("^cancelled after (\\d+) finished round\\(s\\)$"),
         [&](const auto& m) {
             return tr("stopped by the user after %n finished round(s)", nullptr, cap(m, 1).toInt());
         }},
        {QStringLiteral("^cancelled before every environment joined$"),
         [&](const auto&) { return tr("stopped by the user before every environment joined"); }},
        {QStringLiteral("^(.*); the finished rounds are kept$"),
         [&](const auto& m) { return tr("%1; the finished rounds are kept").arg(translated(cap(m, 1))); }},
        {QStringLiteral("^(.*): (\\d+) images decoded in ([\\d.]+) s \\(cached for the next run\\)$"),
         [&](const auto& m) {
             return tr("%1: %2 images decoded in %3 s (cached for the next run)")
                 .arg(cap(m, 1), cap(m, 2), cap(m, 3));
         }},
        {QStringLiteral("^(.*): (\\d+) images read from the cache of their decoding in ([\\d.]+) s$"),
         [&](const auto& m) {
             return tr("%1: %2 images read from the cache of their decoding in %3 s")
                 .arg(cap(m, 1), cap(m, 2), cap(m, 3));
         }},
        {QStringLiteral("^replacing the previous run in (.*)$"),
         [&](const auto& m) { return tr("replacing the previous run in %1").arg(cap(m, 1)); }},
        {QStringLiteral("^could not write the run files: (.*)$"),
         [&](const auto& m) { return tr("could not write the run files: %1").arg(cap(m, 1)); }},
        {QStringLiteral("^listening on (\\S+)( \\(TLS\\))?; waiting for (\\d+) environment\\(s\\)( and the "
                        "baseline participant)?$"),
         [&](const auto& m) {
             const int n = cap(m, 3).toInt();
             return (cap(m, 4).isEmpty()
                         ? tr("listening on %1; waiting for %n environment(s)", nullptr, n)
                         : tr("listening on %1; waiting for %n environment(s) and the baseline participant",
                              nullptr, n))
                 .arg(cap(m, 1).remove(QRegularExpression(QStringLiteral("^ipv[46]:"))) + cap(m, 2));
         }},
        {QStringLiteral("^%1 joined$").arg(kWho),
         [&](const auto& m) { return tr("%1 joined").arg(who(cap(m, 1))); }},
        {QStringLiteral("^%1 rejoined; it trains again from round (\\d+)$").arg(kWho),
         [&](const auto& m) {
             return tr("%1 rejoined; it trains again from round %2").arg(who(cap(m, 1)), cap(m, 2));
         }},
        {QStringLiteral("^(.*); the run goes on without it \\(--min-envs (\\d+)\\)$"),
         [&](const auto& m) {
             return tr("%1; the run goes on without it (--min-envs %2)")
                 .arg(translated(cap(m, 1)), cap(m, 2));
         }},
        {QStringLiteral("^%1 sent nothing for (\\d+) s while (.*) was due$").arg(kWho),
         [&](const auto& m) { return tr("%1 sent nothing for %2 s").arg(who(cap(m, 1)), cap(m, 2)); }},
        {QStringLiteral(
             "^weights and messages took ([\\d.]+) s of ([\\d.]+) s of rounds on the coordinator's side "
             "\\(([\\d.]+) %\\)$"),
         [&](const auto& m) {
             return tr("sending weights and messages took %1 s of %2 s of rounds (%3 %)")
                 .arg(cap(m, 1), cap(m, 2), cap(m, 3));
         }},
        // An environment process's own lines.
        {QStringLiteral("^loaded (\\d+) training images from (.*)$"),
         [&](const auto& m) { return tr("loaded %1 training images from %2").arg(cap(m, 1), cap(m, 2)); }},
        {QStringLiteral("^joined the coordinator at (\\S+) as %1 of (\\d+)$").arg(kWho),
         [&](const auto& m) {
             return tr("joined the coordinator at %1 as %2 of %3").arg(cap(m, 1), who(cap(m, 2)), cap(m, 3));
         }},
        {QStringLiteral("^round (\\d+): (\\d+) epoch\\(s\\), local accuracy ([\\d.]+) %$"),
         [&](const auto& m) {
             return tr("round %1: %n epoch(s), local accuracy %2 %", nullptr, cap(m, 2).toInt())
                 .arg(cap(m, 1), cap(m, 3));
         }},
    };
    // The image folder loader's summary: "DIR: N images decoded in ..."
    // and the skipped files, one "  PATH: why" line each after the count.
    {
        const QRegularExpression skipped(QStringLiteral("^(.*): skipped (\\d+) unreadable files, first:$"));
        const QRegularExpression counted(
            QStringLiteral("^(.*): skipped (\\d+) unreadable files when it was decoded$"));
        if (const auto m = counted.match(message); m.hasMatch())
            return tr("%1: skipped %n unreadable file(s) when it was decoded", nullptr, cap(m, 2).toInt())
                .arg(cap(m, 1));
        if (const auto m = skipped.match(message); m.hasMatch())
            return tr("%1: skipped %n unreadable file(s), first:", nullptr, cap(m, 2).toInt()).arg(cap(m, 1));
        if (message.startsWith(QLatin1String("  ")))
            return QStringLiteral("  ") + skipped_file(message.trimmed());
    }
    for (const auto& [pattern, words] : known) {
        const QRegularExpressionMatch m = QRegularExpression(pattern).match(message);
        if (m.hasMatch())
            return words(m);
    }
    // "environment 1: <its own line>": the process's name, then its line.
    const int colon = message.indexOf(QLatin1String(": "));
    if (colon > 0) {
        const QString rest = message.mid(colon + 2);
        const QString done = translated(rest);
        if (done != rest)
            return message.left(colon + 2) + done;
    }
    return message;
}

void LogPanel::append(int level, const QString& time, const QString& message) {
    const QString line =
        time + QStringLiteral("  ") + levelName(level) + QStringLiteral("  ") + translated(message);
    entries_.append({level, line});
    if (entries_.size() > 5000)
        entries_.removeFirst();
    if (level >= level_->currentData().toInt())
        view_->appendPlainText(line);
}

QString LogPanel::text() const {
    return view_->toPlainText();
}

void LogPanel::refilter() {
    view_->clear();
    const int minimum = level_->currentData().toInt();
    for (const auto& e : entries_)
        if (e.level >= minimum)
            view_->appendPlainText(e.line);
}

} // namespace mergelab::ui
