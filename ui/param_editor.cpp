#include "param_editor.h"

#include <QFormLayout>
#include <QLabel>

#include <cmath>

namespace mergelab::ui {

ParamEditor::ParamEditor(QWidget* parent)
    : QWidget(parent)
    , form_(new QFormLayout(this)) {
    form_->setContentsMargins(16, 0, 0, 0);
    hide();
}

void ParamEditor::setEntry(const RegistryEntry* entry) {
    if (entry == entry_)
        return;
    entry_ = entry;
    while (form_->rowCount() > 0)
        form_->removeRow(0);
    spins_.clear();
    setVisible(entry && !entry->params.empty());
    if (!entry)
        return;
    for (const auto& p : entry->params) {
        auto* spin = new QDoubleSpinBox;
        const QString key = QString::fromStdString(p.key);
        spin->setObjectName(QString::fromStdString(entry->name) + "-" + key);
        spin->setDecimals(p.default_value > 0 && p.default_value < 1e-3 ? 6 : 4);
        spin->setRange(p.min, p.max);
        spin->setSingleStep(p.max - p.min > 2 ? 0.1 : 0.01);
        // A default that depends on the inputs ("1/N") is the range's
        // lowest value, shown by its text.
        if (!p.default_text.empty())
            spin->setSpecialValueText(QString::fromStdString(p.default_text));
        spin->setValue(p.default_text.empty() ? p.default_value : p.min);
        spin->setToolTip(QString::fromStdString(p.help));
        spin->setFocusPolicy(Qt::StrongFocus);
        connect(spin, &QDoubleSpinBox::valueChanged, this, &ParamEditor::changed);
        auto* label = new QLabel(QString::fromStdString(p.label));
        label->setToolTip(QString::fromStdString(p.help));
        form_->addRow(label, spin);
        spins_[key] = spin;
    }
}

void ParamEditor::setValues(const ParamValues& values) {
    if (!entry_)
        return;
    const QSignalBlocker block(this);
    for (const auto& p : entry_->params) {
        auto* spin = spins_.value(QString::fromStdString(p.key));
        const auto it = values.find(p.key);
        const QSignalBlocker quiet(spin);
        spin->setValue(it != values.end() ? it->second : p.default_text.empty() ? p.default_value : p.min);
    }
}

ParamValues ParamEditor::values() const {
    ParamValues out;
    if (!entry_)
        return out;
    for (const auto& p : entry_->params) {
        const double v = spins_.value(QString::fromStdString(p.key))->value();
        const double unset = p.default_text.empty() ? p.default_value : p.min;
        if (std::fabs(v - unset) > 1e-12 * std::max(1.0, std::fabs(unset)))
            out[p.key] = v;
    }
    return out;
}

} // namespace mergelab::ui
