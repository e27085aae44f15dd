#pragma once
// The core's spdlog output inside the app, with a level filter. The engine
// logs in English, as the command line does; the panel shows the lines it
// knows in the window's language.
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
    // `message` is the engine's text, without time or level.
    void append(int level, const QString& time, const QString& message);
    QString text() const; // for tests

    // An engine or environment message in the window's language; one the
    // panel does not know stays as it is.
    static QString translated(const QString& message);
    static QString levelName(int level);

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
