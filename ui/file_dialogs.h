#pragma once
// File dialogs that speak the window's language and show whole dates. Qt's
// own dialog takes its buttons from qtbase's translation, but the kind of
// each entry ("Folder") from its icon provider and the dates from the
// system's locale, which need not be the window's; and its default size
// cut the date column short on a 1024-wide screen.
#include <QString>

class QFileDialog;
class QWidget;

namespace mergelab::ui {

void prepare_file_dialog(QFileDialog& dialog);
// As QFileDialog's static functions, through prepare_file_dialog.
QString existing_directory(QWidget* parent, const QString& title, const QString& dir);
QString save_file_name(QWidget* parent, const QString& title, const QString& path, const QString& filters,
                       QString* selectedFilter = nullptr);

} // namespace mergelab::ui
