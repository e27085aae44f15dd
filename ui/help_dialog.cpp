#include "help_dialog.h"

#include <QFile>
#include <QPointer>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "i18n.h"
#include "mergelab/merge.h"
#include "mergelab/strategy.h"

namespace mergelab::ui {

namespace {

// One definition list per registry: what `mergelab-cli methods` lists.
template <typename Entries> QString entries_html(const Entries& entries, const QString& prefix) {
    QString html = "<dl>";
    for (const auto& m : entries) {
        html += QString("<dt id=\"%1%2\"><b>%2</b> — %3</dt><dd>%4")
                    .arg(prefix, QString::fromStdString(m.name).toHtmlEscaped(),
                         coreText(m.label).toHtmlEscaped(), coreText(m.description).toHtmlEscaped());
        if (!m.reference.empty())
            html += "<br><i>" + QString::fromStdString(m.reference).toHtmlEscaped() + "</i>";
        html += "</dd>";
    }
    return html + "</dl>";
}

QString methods_html() {
    return entries_html(merge_methods(), QString()) + "<h4 id=\"rules\">" +
           HelpDialog::tr("Local rules: how each environment trains").toHtmlEscaped() + "</h4>" +
           entries_html(local_rules(), QStringLiteral("rule-"));
}

} // namespace

HelpDialog::HelpDialog(QWidget* parent)
    : QDialog(parent)
    , browser_(new QTextBrowser(this)) {
    setWindowTitle(tr("How merging works"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(browser_);
    QFile page(":/help/how_merging_works_" + currentLanguage() + ".html");
    if (!page.open(QIODevice::ReadOnly))
        page.setFileName(":/help/how_merging_works_en.html"), page.open(QIODevice::ReadOnly);
    browser_->setHtml(QString::fromUtf8(page.readAll()).replace("@METHODS@", methods_html()));
    resize(720, 640);
}

void HelpDialog::showSection(const QString& anchor) {
    shown_ = anchor;
    if (!anchor.isEmpty())
        browser_->scrollToAnchor(anchor);
}

QString HelpDialog::html() const {
    return browser_->toHtml();
}

void showHelp(QWidget* parent, const QString& anchor) {
    static QPointer<HelpDialog> dialog;
    if (!dialog)
        dialog = new HelpDialog(parent ? parent->window() : nullptr);
    dialog->show();
    dialog->raise();
    dialog->showSection(anchor);
}

} // namespace mergelab::ui
