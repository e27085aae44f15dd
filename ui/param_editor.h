#pragma once
// Widgets for a registry entry's parameters, built from its ParamSpec
// declarations: one spin box per parameter with its label, range, default
// and help, so a new method's parameters need no widget code.
#include <QDoubleSpinBox>
#include <QMap>
#include <QWidget>

#include "mergelab/registry.h"

class QFormLayout;

namespace mergelab::ui {

class ParamEditor : public QWidget {
    Q_OBJECT
public:
    explicit ParamEditor(QWidget* parent = nullptr);

    // Rebuilds the widgets for `entry` (nullptr or no parameters: empty,
    // hidden) with every value at its default.
    void setEntry(const RegistryEntry* entry);
    // Keys not in `values` show their default.
    void setValues(const ParamValues& values);
    // Only the values that differ from their defaults: what a strategy's
    // text has to say.
    ParamValues values() const;

signals:
    void changed();

private:
    const RegistryEntry* entry_ = nullptr;
    QFormLayout* form_;
    QMap<QString, QDoubleSpinBox*> spins_;
};

} // namespace mergelab::ui
