#include "environments_choice.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QLabel>

#include "setup_panel.h"

namespace mergelab::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("mergelab::ui::SetupPanel", text); }
} // namespace

// In EnvironmentsMode's order.
QComboBox* make_environments_choice() {
    auto* box = new QComboBox;
    box->setObjectName("environments_mode");
    box->addItems({tr("Threads in this app"), tr("Separate processes on this computer"), tr("Other computers")});
    box->setToolTip(tr("Separate processes each hold only their own training data and send weights to this app; "
                       "other computers join with the address and token shown. Nothing is encrypted: use a "
                       "trusted network."));
    return box;
}

QLabel* make_join_info() {
    auto* label = new QLabel;
    label->setObjectName("join_info");
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    label->hide();
    return label;
}

EnvironmentsMode SetupPanel::environmentsMode() const {
    return static_cast<EnvironmentsMode>(environmentsMode_->currentIndex());
}

void SetupPanel::setJoinInfo(const QString& text) {
    joinInfo_->setText(text);
    joinInfo_->setVisible(!text.isEmpty());
}

} // namespace mergelab::ui
