#pragma once
// Help → How merging works: the algorithm, the splits, every merge method
// (from the registry, so a new method is explained without editing the page)
// and what each tab shows, in the app's language.
#include <QDialog>

class QTextBrowser;

namespace mergelab::ui {

class HelpDialog : public QDialog {
    Q_OBJECT
public:
    explicit HelpDialog(QWidget* parent = nullptr);
    // Scrolls to a section: "splits", "methods", a method's name, or a
    // tab's RunView::helpAnchor() ("view-accuracy", ...).
    void showSection(const QString& anchor);
    QString shownSection() const { return shown_; }
    QString html() const;

private:
    QTextBrowser* browser_;
    QString shown_;
};

// Opens the one help window (creating it on first use) at `anchor`.
void showHelp(QWidget* parent, const QString& anchor = {});

} // namespace mergelab::ui
