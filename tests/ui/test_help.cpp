// Each tab's "?": every view has a paragraph in both help
// pages, and the button beside the tabs opens the help at the shown tab's.
#include <QtTest>

#include <QFile>
#include <QSet>
#include <QTabWidget>
#include <QToolButton>

#include <memory>

#include "help_dialog.h"
#include "main_window.h"
#include "mergelab/merge.h"
#include "mergelab/strategy.h"
#include "support/test_main.h"
#include "views.h"

namespace test_help {

using namespace mergelab::ui;

namespace {

QString page(const QString& language) {
    QFile file(":/help/how_merging_works_" + language + ".html");
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class TestHelp : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void everyViewHasAParagraphInBothLanguages() {
        const QString en = page("en"), ko = page("ko");
        QVERIFY(!en.isEmpty() && !ko.isEmpty());
        QSet<QString> anchors;
        for (const auto& make : standard_views()) {
            std::unique_ptr<RunView> view(make());
            const QString anchor = view->helpAnchor();
            QVERIFY2(!anchor.isEmpty(), qPrintable(view->name()));
            QVERIFY2(!anchors.contains(anchor), qPrintable(anchor));
            anchors.insert(anchor);
            const QString id = QStringLiteral("id=\"%1\"").arg(anchor);
            QVERIFY2(en.count(id) == 1, qPrintable("English page: " + anchor));
            QVERIFY2(ko.count(id) == 1, qPrintable("Korean page: " + anchor));
        }
        QCOMPARE(anchors.size(), 11);
        // Beside the tabs: how the app is used, in both pages.
        for (const char* use : {"use-lesson", "use-presentation", "use-processes", "use-lanes", "use-repeat",
                                "use-saving", "use-keys"}) {
            const QString id = QStringLiteral("id=\"%1\"").arg(use);
            QVERIFY2(en.count(id) == 1 && ko.count(id) == 1, use);
        }
    }

    void theButtonOpensTheShownTabsParagraph() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* button = window.findChild<QToolButton*>("viewHelp");
        QVERIFY(button);
        QVERIFY(button->isVisible());
        QVERIFY(!button->toolTip().isEmpty());
        QVERIFY(!button->accessibleName().isEmpty());
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs);
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QTest::mouseClick(button, Qt::LeftButton);
            auto* dialog = window.findChild<HelpDialog*>();
            QVERIFY(dialog);
            QVERIFY(dialog->isVisible());
            const QString anchor = window.views()[static_cast<size_t>(i)]->helpAnchor();
            QCOMPARE(dialog->shownSection(), anchor);
            // The anchor is in the document the dialog shows, so the scroll lands.
            QVERIFY2(dialog->html().contains(anchor), qPrintable(anchor));
        }
        // One dialog, reused.
        QCOMPARE(window.findChildren<HelpDialog*>().size(), 1);
        // Every merge method and local rule has its paragraph, from the registry.
        const QString html = window.findChild<HelpDialog*>()->html();
        for (const auto& m : mergelab::merge_methods())
            QVERIFY2(html.contains(QString::fromStdString(m.description).left(20).toHtmlEscaped()),
                     m.name.c_str());
        for (const auto& r : mergelab::local_rules())
            QVERIFY2(html.contains(QString::fromStdString(r.description).left(20).toHtmlEscaped()),
                     r.name.c_str());
    }
};

MERGELAB_TEST_WIDGETS(test_help, TestHelp)

} // namespace test_help

#include "test_help.moc"
