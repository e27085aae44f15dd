#include <QApplication>
#include <QLabel>

#include "version.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QLabel label(QStringLiteral("MergeLab %1: the desktop app is being built.").arg(mergelab::ui::application_version()));
    label.show();
    return app.exec();
}
