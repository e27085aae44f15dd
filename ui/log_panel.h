#pragma once
// The core's spdlog output inside the app, with a level filter.
#include <QWidget>

#include <memory>

class QComboBox;
class QPlainTextEdit;

namespace mergelab::ui {

class LogPanel : public QWidget {
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);
    ~LogPanel() override;

    // Called from any thread by the sink; appends in the GUI thread.
    void append(int level, const QString& line);
    QString text() const; // for tests

private:
    void refilter();

    struct Entry {
        int level;
        QString line;
    };
    QList<Entry> entries_;
    QComboBox* level_;
    QPlainTextEdit* view_;
    std::shared_ptr<void> sink_; // keeps the sink registered while the panel lives
};

} // namespace mergelab::ui
