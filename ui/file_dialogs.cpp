#include "file_dialogs.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileIconProvider>
#include <QFileSystemModel>
#include <QGuiApplication>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QLocale>
#include <QScreen>
#include <QTreeView>

namespace mergelab::ui {
namespace {

class KindInLanguage : public QFileIconProvider {
public:
    QString type(const QFileInfo& info) const override {
        if (info.isRoot())
            return QCoreApplication::translate("mergelab::ui::FileDialogs", "Drive");
        if (info.isDir())
            return QCoreApplication::translate("mergelab::ui::FileDialogs", "Folder");
        const QString suffix = info.suffix();
        return suffix.isEmpty() ? QCoreApplication::translate("mergelab::ui::FileDialogs", "File")
                                : QCoreApplication::translate("mergelab::ui::FileDialogs", "%1 file")
                                      .arg(suffix.toUpper());
    }
};

// Dates in the window's locale (QLocale's default), not the system's.
class DatesInLanguage : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex& index, int role) const override {
        if (role == Qt::DisplayRole && index.column() == 3)
            if (auto* files = qobject_cast<QFileSystemModel*>(sourceModel()))
                return QLocale().toString(files->lastModified(mapToSource(index)), QLocale::ShortFormat);
        return QIdentityProxyModel::data(index, role);
    }
};

QFileIconProvider* kinds() {
    static KindInLanguage provider;
    return &provider;
}

} // namespace

void prepare_file_dialog(QFileDialog& dialog) {
    dialog.setIconProvider(kinds());
    dialog.setProxyModel(new DatesInLanguage(&dialog));
    const QScreen* screen = dialog.parentWidget() && dialog.parentWidget()->screen()
                                ? dialog.parentWidget()->screen()
                                : QGuiApplication::primaryScreen();
    if (screen) {
        const QSize room = screen->availableGeometry().size() - QSize(24, 48);
        dialog.resize(QSize(940, 560).boundedTo(room));
    }
    // The name column takes what the others leave; dates and kinds are shown whole.
    if (auto* details = dialog.findChild<QTreeView*>(QStringLiteral("treeView"))) {
        QHeaderView* header = details->header();
        header->setStretchLastSection(false);
        header->setSectionResizeMode(0, QHeaderView::Stretch);
        for (int column = 1; column < 4; ++column)
            header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    }
}

QString existing_directory(QWidget* parent, const QString& title, const QString& dir) {
    QFileDialog dialog(parent, title, dir);
    dialog.setFileMode(QFileDialog::Directory);
    dialog.setOption(QFileDialog::ShowDirsOnly);
    prepare_file_dialog(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return {};
    return dialog.selectedFiles().constFirst();
}

QString save_file_name(QWidget* parent, const QString& title, const QString& path, const QString& filters,
                       QString* selectedFilter) {
    QFileDialog dialog(parent, title, path);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setNameFilters(filters.split(QStringLiteral(";;")));
    dialog.selectFile(path);
    prepare_file_dialog(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return {};
    if (selectedFilter)
        *selectedFilter = dialog.selectedNameFilter();
    return dialog.selectedFiles().constFirst();
}

} // namespace mergelab::ui
