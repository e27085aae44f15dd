#include "environments_choice.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QLabel>

#include "setup_panel.h"

namespace mergelab::ui {

// In EnvironmentsMode's order.
QComboBox* make_environments_choice() {
    auto* box = new QComboBox;
    box->setObjectName("environments_mode");
    // Translated as the setup panel's own strings.
    box->addItems(
        {QCoreApplication::translate("mergelab::ui::SetupPanel", "Threads in this app"),
         QCoreApplication::translate("mergelab::ui::SetupPanel", "Separate processes on this computer"),
         QCoreApplication::translate("mergelab::ui::SetupPanel", "Other computers")});
    box->setToolTip(QCoreApplication::translate(
        "mergelab::ui::SetupPanel",
        "Separate processes each hold only their own training data and send weights to "
        "this app; other computers join with the address and token shown. Nothing is "
        "encrypted: use a trusted network."));
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

bool SetupPanel::lessonMode() const {
    // The round pipeline stops at each step wherever the environments train.
    return lesson_->isChecked();
}

void SetupPanel::setLessonMode(bool on) {
    lesson_->setChecked(on);
}

void SetupPanel::setJoinInfo(const QString& text) {
    joinInfo_->setText(text);
    joinInfo_->setVisible(!text.isEmpty());
}

} // namespace mergelab::ui
