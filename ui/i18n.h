#pragma once
// The app speaks Korean and English. The language is chosen once, before
// any widget exists, and applies from the next start when changed in
// View → Language: every text is built with it, so switching live would
// mean rebuilding every widget.
#include <QString>
#include <QStringList>

#include <string>

class QMenu;
class QWidget;

namespace mergelab::ui {

// "en" and "ko".
QStringList availableLanguages();
// `requested` when it is one of them; else the one saved by View → Language;
// else the system's when Korean; else English.
QString chooseLanguage(const QString& requested = {});
// Installs MergeLab's and Qt's own translations for `language`, makes its
// locale the default (number formats) and, for Korean, puts a CJK font
// first. Call after QApplication exists and before any widget is built.
void installLanguage(const QString& language);
QString currentLanguage();
// Remembers the choice for the next start.
void saveLanguage(const QString& language);
// A text the core marked with QT_TRANSLATE_NOOP("mergelab", ...), in the
// app's language.
QString coreText(const std::string& english);
// The language's own name ("English", "한국어").
QString languageName(const QString& language);
// View → Language: one checkable entry per language; choosing one saves it
// and offers to restart the app in it.
QMenu* makeLanguageMenu(QWidget* parent);

} // namespace mergelab::ui
