#include "i18n.h"

#include <QActionGroup>
#include <QApplication>
#include <QFont>
#include <QFontDatabase>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QTranslator>

namespace mergelab::ui {

namespace {

QString& current() {
    static QString language = "en";
    return language;
}

} // namespace

QStringList availableLanguages() {
    return {"en", "ko"};
}

QString chooseLanguage(const QString& requested) {
    if (availableLanguages().contains(requested))
        return requested;
    const QString saved = QSettings().value("language").toString();
    if (availableLanguages().contains(saved))
        return saved;
    return QLocale::system().language() == QLocale::Korean ? QString("ko") : QString("en");
}

void installLanguage(const QString& language) {
    current() = availableLanguages().contains(language) ? language : QString("en");
    QLocale::setDefault(QLocale(current() == "ko" ? QLocale::Korean : QLocale::English,
                                current() == "ko" ? QLocale::SouthKorea : QLocale::UnitedStates));
    // Owned by the application for its whole life. English loads its
    // plural forms only ("1 round", "3 rounds").
    auto* mine = new QTranslator(qApp);
    if (mine->load(":/i18n/mergelab_" + current() + ".qm"))
        qApp->installTranslator(mine);
    if (current() == "en")
        return;
    auto* qt = new QTranslator(qApp);
    if (qt->load("qtbase_" + current(), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        qApp->installTranslator(qt);
    // Hangul needs a CJK font; Debian's fonts-noto-cjk provides one.
    QFont font = QApplication::font();
    QStringList families{"Noto Sans CJK KR", "Noto Sans KR"};
    families << font.families();
    font.setFamilies(families);
    QApplication::setFont(font);
}

QString currentLanguage() {
    return current();
}

void saveLanguage(const QString& language) {
    QSettings().setValue("language", language);
}

QString coreText(const std::string& english) {
    return QCoreApplication::translate("mergelab", english.c_str());
}

QString languageName(const QString& language) {
    return language == "ko" ? QStringLiteral("한국어") : QStringLiteral("English");
}

QMenu* makeLanguageMenu(QWidget* parent) {
    auto* menu = new QMenu(QCoreApplication::translate("mergelab", "&Language"), parent);
    auto* group = new QActionGroup(menu);
    for (const QString& language : availableLanguages()) {
        QAction* action = menu->addAction(languageName(language));
        action->setCheckable(true);
        action->setChecked(language == currentLanguage());
        group->addAction(action);
        QObject::connect(action, &QAction::triggered, parent, [parent, language] {
            if (language == currentLanguage())
                return;
            saveLanguage(language);
            const auto answer =
                QMessageBox::question(parent, QCoreApplication::translate("mergelab", "Language"),
                                      QCoreApplication::translate(
                                          "mergelab", "MergeLab speaks %1 from its next start. Restart now?")
                                          .arg(languageName(language)));
            if (answer != QMessageBox::Yes)
                return;
            QProcess::startDetached(QCoreApplication::applicationFilePath(), {"--lang", language});
            parent->window()->close();
        });
    }
    return menu;
}

} // namespace mergelab::ui
