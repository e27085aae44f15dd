#include "log_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMetaObject>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include <mutex>

#include <spdlog/sinks/base_sink.h>

#include "mergelab/log.h"

namespace mergelab::ui {

namespace {

// Formats on the logging thread, then hands the line to the GUI thread.
class PanelSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit PanelSink(LogPanel* panel) : panel_(panel) {}
    void detach() {
        std::lock_guard<std::mutex> lock(mutex_);
        panel_ = nullptr;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        QString line = QString::fromUtf8(formatted.data(), static_cast<int>(formatted.size())).trimmed();
        const int level = static_cast<int>(msg.level);
        // base_sink holds mutex_ here, so the panel cannot detach meanwhile;
        // events posted to a panel that is later deleted are discarded.
        LogPanel* panel = panel_;
        if (!panel) return;
        QMetaObject::invokeMethod(
            panel, [panel, level, line] { panel->append(level, line); }, Qt::QueuedConnection);
    }
    void flush_() override {}

private:
    LogPanel* panel_;
};

} // namespace

LogPanel::LogPanel(QWidget* parent) : QWidget(parent) {
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
    sink->set_pattern("%H:%M:%S  %l  %v");
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

void LogPanel::append(int level, const QString& line) {
    entries_.append({level, line});
    if (entries_.size() > 5000) entries_.removeFirst();
    if (level >= level_->currentData().toInt()) view_->appendPlainText(line);
}

QString LogPanel::text() const { return view_->toPlainText(); }

void LogPanel::refilter() {
    view_->clear();
    const int minimum = level_->currentData().toInt();
    for (const auto& e : entries_)
        if (e.level >= minimum) view_->appendPlainText(e.line);
}

} // namespace mergelab::ui
