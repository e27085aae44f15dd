#include "setup_panel.h"

#include "environments_choice.h"
#include "file_dialogs.h"
#include "param_editor.h"

#include <QAbstractSpinBox>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

#include "class_counts.h"
#include "i18n.h"
#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/idx.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/split.h"
#include "mergelab/strategy.h"
#include "palette.h"

namespace mergelab::ui {

namespace {

constexpr int kSliderSteps = 100;

// A log slider over the setting's range; the value is rounded to two
// significant digits so what the label shows is what the run uses.
double slider_to_value(const SettingDescriptor& d, int step) {
    const double lo = std::log10(d.min), hi = std::log10(d.max);
    const double v = std::pow(10.0, lo + (hi - lo) * step / kSliderSteps);
    return std::clamp(QString::number(v, 'g', 2).toDouble(), d.min, d.max);
}
int value_to_slider(const SettingDescriptor& d, double v) {
    const double lo = std::log10(d.min), hi = std::log10(d.max);
    return std::clamp(static_cast<int>(std::lround((std::log10(v) - lo) / (hi - lo) * kSliderSteps)), 0,
                      kSliderSteps);
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// Text typed for a number: "0.001", or "0,001" with a decimal comma in any
// locale (these settings are small numbers: a comma is never a thousands
// separator here), then whatever the user's locale reads.
double parse_number(const QString& text) {
    QString t = text.trimmed();
    if (t.contains(QLatin1Char(',')) && !t.contains(QLatin1Char('.')) && t.count(QLatin1Char(',')) == 1)
        t.replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    double v = QLocale::c().toDouble(t, &ok);
    if (!ok)
        v = QLocale().toDouble(text.trimmed(), &ok);
    return ok ? v : std::nan("");
}

} // namespace

SetupPanel::SetupPanel(QWidget* parent)
    : QWidget(parent) {
    build();
    applyPreset("quick");
}

SetupPanel::Field SetupPanel::makeField(const SettingDescriptor& d) {
    Field f;
    f.setting = &d;
    const QString key = q(d.key);
    switch (d.type) {
    case SettingType::Integer: {
        auto* spin = new QSpinBox;
        spin->setRange(static_cast<int>(d.min * d.display_scale), static_cast<int>(d.max * d.display_scale));
        if (!d.min_label.empty())
            spin->setSpecialValueText(coreText(d.min_label));
        f.widget = spin;
        f.read = [spin] { return SettingValue(int64_t(spin->value())); };
        f.write = [spin](const SettingValue& v) { spin->setValue(static_cast<int>(std::get<int64_t>(v))); };
        break;
    }
    case SettingType::Real:
        if (d.widget == WidgetHint::TextField) {
            auto* edit = new QLineEdit;
            f.widget = edit;
            f.read = [edit] { return SettingValue(parse_number(edit->text())); };
            f.write = [edit](const SettingValue& v) {
                edit->setText(QLocale().toString(std::get<double>(v), 'g', 6));
            };
        } else if (d.widget == WidgetHint::LogSlider) {
            auto* row = new QWidget;
            auto* layout = new QHBoxLayout(row);
            layout->setContentsMargins(0, 0, 0, 0);
            auto* slider = new QSlider(Qt::Horizontal);
            slider->setObjectName(key + "-slider");
            slider->setRange(0, kSliderSteps);
            auto* value = new QLabel;
            value->setMinimumWidth(40);
            layout->addWidget(slider, 1);
            layout->addWidget(value);
            // A value given to the panel (a preset's 0.5, an opened run's)
            // stays exact until the slider is moved: its 100 steps would turn
            // 0.5 into 0.48 and a preset into "Custom".
            const auto current = [slider, &d] {
                const QVariant exact = slider->property("exact");
                if (exact.isValid() && value_to_slider(d, exact.toDouble()) == slider->value())
                    return exact.toDouble();
                return slider_to_value(d, slider->value());
            };
            connect(slider, &QSlider::valueChanged, value,
                    [value, current] { value->setText(QLocale().toString(current(), 'g', 3)); });
            f.widget = row;
            f.read = [current] { return SettingValue(current()); };
            f.write = [slider, value, current, &d](const SettingValue& v) {
                slider->setProperty("exact", std::get<double>(v));
                slider->setValue(value_to_slider(d, std::get<double>(v)));
                value->setText(QLocale().toString(current(), 'g', 3));
            };
        } else {
            auto* spin = new QDoubleSpinBox;
            const double scale = d.display_scale;
            spin->setDecimals(scale > 1 ? 1 : 3);
            spin->setRange(d.min * scale, d.max * scale);
            spin->setSingleStep(scale > 1 ? 1 : 0.01);
            if (!d.unit.empty())
                spin->setSuffix(" " + q(d.unit));
            f.widget = spin;
            f.read = [spin, scale] { return SettingValue(spin->value() / scale); };
            f.write = [spin, scale](const SettingValue& v) { spin->setValue(std::get<double>(v) * scale); };
        }
        break;
    case SettingType::Choice: {
        auto* combo = new QComboBox;
        for (const auto& name : d.choices()) {
            if (!d.describe_choice) {
                combo->addItem(q(name), q(name));
                continue;
            }
            const auto [label, description] = d.describe_choice(name);
            combo->addItem(coreText(label), q(name));
            if (!description.empty())
                combo->setItemData(combo->count() - 1, coreText(description), Qt::ToolTipRole);
        }
        f.widget = combo;
        f.read = [combo] { return SettingValue(combo->currentData().toString().toStdString()); };
        f.write = [combo](const SettingValue& v) {
            combo->setCurrentIndex(std::max(0, combo->findData(q(std::get<std::string>(v)))));
        };
        break;
    }
    case SettingType::Flag: {
        auto* box = new QCheckBox(coreText(d.label));
        f.widget = box;
        f.read = [box] { return SettingValue(box->isChecked()); };
        f.write = [box](const SettingValue& v) { box->setChecked(std::get<bool>(v)); };
        break;
    }
    case SettingType::Text:
    case SettingType::List:
    case SettingType::ClassGroups: {
        auto* edit = new QLineEdit;
        f.widget = edit;
        f.read = [edit] { return SettingValue(edit->text().trimmed().toStdString()); };
        f.write = [edit, &d](const SettingValue& v) { edit->setText(q(format_setting(d, v))); };
        break;
    }
    }
    f.widget->setObjectName(key);
    f.widget->setToolTip(coreText(d.help));
    return f;
}

void SetupPanel::addRow(QFormLayout* form, const QString& key, const QString& label, QWidget* widget) {
    if (label.isEmpty()) {
        form->addRow(widget);
        markable(key, widget);
        return;
    }
    auto* text = new QLabel(label);
    text->setBuddy(widget);
    form->addRow(text, widget);
    markable(key, text);
}

SetupPanel::Field& SetupPanel::addField(QFormLayout* form, const QString& key) {
    const SettingDescriptor& d = setting(key.toStdString());
    fields_[key] = makeField(d);
    Field& f = fields_[key];
    addRow(form, key, d.type == SettingType::Flag ? QString() : coreText(d.label), f.widget);
    return f;
}

void SetupPanel::build() {
    content_ = new QWidget;
    auto* outer = new QVBoxLayout(content_);
    outer->setContentsMargins(6, 6, 6, 6);

    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(new QLabel(tr("Preset:")));
    preset_ = new QComboBox;
    for (const auto& p : presets()) {
        preset_->addItem(coreText(p.label), q(p.name));
        preset_->setItemData(preset_->count() - 1, coreText(p.description), Qt::ToolTipRole);
    }
    preset_->addItem(tr("Custom"), "custom");
    preset_->setToolTip(
        tr("Quick demo finishes in about a minute; the paper presets repeat its two experiments"));
    presetRow->addWidget(preset_, 1);
    outer->addLayout(presetRow);
    lesson_ = new QCheckBox(tr("Lesson: stop after each step"));
    lesson_->setObjectName("lesson");
    lesson_->setToolTip(
        tr("The run halts after local training, merging, testing and copying back, and Flow "
           "explains each step with this run's numbers. Next (Space or Right arrow) goes on."));
    outer->addWidget(lesson_);
    connect(preset_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_)
            applyPreset(preset_->currentData().toString());
    });

    // One box per descriptor group, in a fixed order for the known ones and
    // then as they first appear; within a box, settings() order. A setting
    // gets the standard widget for its type unless a builder below says
    // more (a grid, radio buttons, parameters).
    const QList<QPair<QString, QString>> known = {{"data", tr("Data")},
                                                  {"environments", tr("Environments")},
                                                  {"merging", tr("Merging")},
                                                  {"training", tr("Training")}};
    QMap<QString, QFormLayout*> forms;
    auto formFor = [&](const QString& group) {
        if (!forms.contains(group)) {
            QString title = group;
            for (const auto& [name, text] : known)
                if (name == group)
                    title = text;
            if (title == group && !title.isEmpty())
                title[0] = title[0].toUpper();
            auto* box = new QGroupBox(title);
            box->setObjectName("group-" + group);
            forms[group] = new QFormLayout(box);
            outer->addWidget(box);
        }
        return forms[group];
    };
    for (const auto& [name, text] : known)
        formFor(name);
    const auto builders = specialBuilders();
    for (const auto& d : settings()) {
        if (d.group.empty())
            continue;
        const QString key = q(d.key);
        QFormLayout* form = formFor(q(d.group));
        if (builders.contains(key))
            builders[key](form);
        else if (d.suggested > 0)
            addOptionalField(form, key);
        else
            addField(form, key);
    }
    addEnvironmentsFooter(forms["environments"]);
    outer->addStretch(1);

    scroll_ = new QScrollArea;
    scroll_->setWidget(content_);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll_->setMinimumWidth(content_->minimumSizeHint().width() +
                             scroll_->verticalScrollBar()->sizeHint().width() + 4);
    problemBar_ = new QLabel;
    problemBar_->setObjectName("setupProblem");
    problemBar_->setWordWrap(true);
    problemBar_->setTextFormat(Qt::RichText);
    problemBar_->setContentsMargins(8, 4, 8, 4);
    problemBar_->setFixedHeight(problemBar_->fontMetrics().lineSpacing() * 3 + 10);
    problemBar_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    connect(problemBar_, &QLabel::linkActivated, this, [this](const QString& link) {
        if (QWidget* w = marked_.value(link.mid(1)))
            scroll_->ensureWidgetVisible(w);
    });
    auto* panel = new QVBoxLayout(this);
    panel->setContentsMargins(0, 0, 0, 0);
    panel->setSpacing(0);
    panel->addWidget(scroll_, 1);
    panel->addWidget(problemBar_);

    // Every field reports a change the same way; spin boxes and combos take
    // the mouse wheel only when focused, so scrolling the panel changes nothing.
    for (auto* w : findChildren<QWidget*>()) {
        if (qobject_cast<QAbstractSpinBox*>(w)) {
            if (auto* s = qobject_cast<QSpinBox*>(w))
                connect(s, &QSpinBox::valueChanged, this, &SetupPanel::touched);
            if (auto* s = qobject_cast<QDoubleSpinBox*>(w))
                connect(s, &QDoubleSpinBox::valueChanged, this, &SetupPanel::touched);
        } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
            if (combo == preset_)
                continue;
            connect(combo, &QComboBox::currentIndexChanged, this, &SetupPanel::touched);
        } else if (auto* slider = qobject_cast<QSlider*>(w)) {
            connect(slider, &QSlider::valueChanged, this, &SetupPanel::touched);
        } else if (auto* button = qobject_cast<QAbstractButton*>(w)) {
            if (qobject_cast<QPushButton*>(w))
                continue;
            connect(button, &QAbstractButton::toggled, this, &SetupPanel::touched);
        } else if (auto* edit = qobject_cast<QLineEdit*>(w)) {
            connect(edit, &QLineEdit::textChanged, this, &SetupPanel::touched);
        } else {
            continue;
        }
        if (!qobject_cast<QAbstractButton*>(w) && !qobject_cast<QLineEdit*>(w)) {
            w->setFocusPolicy(Qt::StrongFocus);
            w->installEventFilter(this);
        }
        // A spin box's wheel arrives through its line edit first.
        if (auto* spin = qobject_cast<QAbstractSpinBox*>(w))
            for (auto* inner : spin->findChildren<QLineEdit*>())
                inner->installEventFilter(this);
    }
    connect(classGrid_, &QTableWidget::itemChanged, this, &SetupPanel::touched);
}

void SetupPanel::addOptionalField(QFormLayout* form, const QString& key) {
    const SettingDescriptor& d = setting(key.toStdString());
    fields_[key] = makeField(d);
    auto* on = new QCheckBox(coreText(d.label));
    on->setObjectName(key + "-on");
    optional_[key] = on;
    form->addRow(on, fields_[key].widget);
    markable(key, on);
}

QMap<QString, std::function<void(QFormLayout*)>> SetupPanel::specialBuilders() {
    QMap<QString, std::function<void(QFormLayout*)>> b;
    b["data"] = [this](QFormLayout* form) {
        auto* row = new QWidget;
        auto* layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        fields_["data"] = makeField(setting("data"));
        auto* dataDir = static_cast<QLineEdit*>(fields_["data"].widget);
        dataDir->setPlaceholderText(q(resolve_data_dir()));
        auto* browse = new QPushButton(tr("Browse…"));
        layout->addWidget(dataDir, 1);
        layout->addWidget(browse);
        form->addRow(row);
        markable("data", dataDir);
        connect(browse, &QPushButton::clicked, this, [this, dataDir] {
            const QString dir = existing_directory(this, tr("Fashion-MNIST folder"), dataDir->text());
            if (!dir.isEmpty())
                dataDir->setText(dir);
        });
        connect(dataDir, &QLineEdit::textChanged, this, [this] { refusal_.clear(); });
    };
    b["envs"] = [this](QFormLayout* form) {
        addField(form, "envs");
        connect(static_cast<QSpinBox*>(fields_["envs"].widget), &QSpinBox::valueChanged, this, [this] {
            if (!updating_)
                rebuildClassGrid({});
        });
    };
    b["classes"] = [this](QFormLayout* form) {
        classGrid_ = new QTableWidget(class_count(), 2);
        classGrid_->setObjectName("classes");
        classGrid_->setToolTip(tr("Tick which environment holds each class; every class at most once"));
        classGrid_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
        classGrid_->horizontalHeader()->setMinimumSectionSize(20);
        classGrid_->horizontalHeader()->setTextElideMode(Qt::ElideNone);
        classGrid_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        classGrid_->setSelectionMode(QAbstractItemView::NoSelection);
        // A fixed height: the grid must not grow or shrink when a message
        // appears elsewhere, or the fields under the pointer move.
        classGrid_->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        // Ten rows show at once; more classes scroll.
        classGrid_->setFixedHeight(classGrid_->horizontalHeader()->sizeHint().height() +
                                   kFashionClasses * 22 + 4);
        updateClassRows();
        addRow(form, "classes", QString(), classGrid_);
        Field grid;
        grid.setting = &setting("classes");
        grid.widget = classGrid_;
        grid.read = [this] { return SettingValue(format_class_assignment(gridAssignment())); };
        // setConfig fills the grid from the config itself: a group may be empty
        // there, which no text form can hold.
        grid.write = [](const SettingValue&) {};
        fields_["classes"] = grid;
    };
    b["method"] = [this](QFormLayout* form) {
        addField(form, "method");
        // The primary method's parameters, from its declaration.
        methodParams_ = new ParamEditor;
        methodParams_->setObjectName("method-params");
        form->addRow(methodParams_);
        auto* method = static_cast<QComboBox*>(fields_["method"].widget);
        connect(method, &QComboBox::currentIndexChanged, this, [this, method] {
            methodParams_->setEntry(find_merge_method(method->currentData().toString().toStdString()));
        });
        connect(methodParams_, &ParamEditor::changed, this, &SetupPanel::touched);
    };
    b["compare"] = [this](QFormLayout* form) {
        auto* compareRow = new QWidget;
        compareRow->setObjectName("compare");
        compareRow->setToolTip(coreText(setting("compare").help));
        auto* compareLayout = new QGridLayout(compareRow);
        compareLayout->setContentsMargins(0, 0, 0, 0);
        for (const auto& m : merge_methods()) {
            const QString name = q(m.name);
            auto* check = new QCheckBox(name);
            check->setToolTip(coreText(m.label) + ": " + coreText(m.description));
            check->setStyleSheet(
                QString("QCheckBox { color: %1; font-weight: bold; }").arg(method_color(name).name()));
            compareLayout->addWidget(check, int(compare_.size()) / 2, int(compare_.size()) % 2);
            compare_[name] = check;
        }
        addRow(form, "compare", coreText(setting("compare").label), compareRow);
    };
    b["mode"] = [this](QFormLayout* form) {
        modeCompare_ = new QRadioButton(tr("Compare on the same local models"));
        modeLanes_ = new QRadioButton(tr("Lanes: one experiment per method"));
        auto* modeGroup = new QButtonGroup(this);
        modeGroup->addButton(modeCompare_);
        modeGroup->addButton(modeLanes_);
        form->addRow(coreText(setting("mode").label), modeCompare_);
        form->addRow(QString(), modeLanes_);
        markable("mode", modeCompare_);
    };
    // Lanes are strategies: the ticked methods, or typed with rules and
    // parameters ("avg+fedprox:mu=0.01").
    b["lanes"] = [this](QFormLayout* form) {
        lanesEdit_ = new QLineEdit;
        lanesEdit_->setObjectName("lanes");
        lanesEdit_->setToolTip(coreText(setting("lanes").help));
        lanesEdit_->setPlaceholderText(tr("the ticked methods, or e.g. avg,fedadam,avg+fedprox:mu=0.01"));
        connect(lanesEdit_, &QLineEdit::textChanged, this, &SetupPanel::touched);
        form->addRow(tr("Strategies"), lanesEdit_);
        markable("lanes", lanesEdit_);
    };
    // Local training ends after a number of epochs or at a local accuracy:
    // two radio buttons, each the label of its setting's field.
    auto localGroup = std::make_shared<QButtonGroup*>(nullptr);
    auto radio = [this, localGroup](QFormLayout* form, const char* key, QRadioButton*& button) {
        if (!*localGroup)
            *localGroup = new QButtonGroup(this);
        button = new QRadioButton(coreText(setting(key).label));
        (*localGroup)->addButton(button);
        fields_[key] = makeField(setting(key));
        form->addRow(button, fields_[key].widget);
        markable(key, button);
    };
    b["local_epochs"] = [radio, this](QFormLayout* form) { radio(form, "local_epochs", byEpochs_); };
    b["local_target"] = [radio, this](QFormLayout* form) { radio(form, "local_target", byTarget_); };
    b["rule"] = [this](QFormLayout* form) {
        addField(form, "rule");
        ruleParams_ = new ParamEditor;
        ruleParams_->setObjectName("rule-params");
        form->addRow(ruleParams_);
        auto* rule = static_cast<QComboBox*>(fields_["rule"].widget);
        connect(rule, &QComboBox::currentIndexChanged, this, [this, rule] {
            ruleParams_->setEntry(find_local_rule(rule->currentData().toString().toStdString()));
        });
        connect(ruleParams_, &ParamEditor::changed, this, &SetupPanel::touched);
    };
    return b;
}

// Where the environments run and what each will hold: not settings of the
// experiment, so no descriptor places them.
void SetupPanel::addEnvironmentsFooter(QFormLayout* form) {
    environmentsMode_ = make_environments_choice();
    form->addRow(tr("Run as"), environmentsMode_);
    // Where the environments run decides what the engine accepts.
    connect(environmentsMode_, &QComboBox::currentIndexChanged, this, &SetupPanel::touched);
    joinInfo_ = make_join_info();
    form->addRow(joinInfo_);
    counts_ = new ClassCountsChart;
    form->addRow(counts_);
    countTimer_ = new QTimer(this);
    countTimer_->setSingleShot(true);
    countTimer_->setInterval(150);
    connect(countTimer_, &QTimer::timeout, this, &SetupPanel::recountNow);
}

void SetupPanel::touched() {
    if (updating_)
        return;
    refusal_.clear(); // said of the setup as it was
    updating_ = true;
    const QString match = q(matching_preset(config()));
    preset_->setCurrentIndex(preset_->findData(match.isEmpty() ? QString("custom") : match));
    updating_ = false;
    updateVisibility();
    revalidate();
    countTimer_->start();
    emit changed();
}

void SetupPanel::updateVisibility() {
    const ExperimentConfig c = config();
    for (const auto& f : fields_)
        if (f.setting && !f.setting->applies_when.empty())
            f.widget->setEnabled(setting_applies(*f.setting, c));
    // The grid is large: it goes away rather than grey out.
    classGrid_->setVisible(setting_applies(setting("classes"), c));
    fields_["local_target"].widget->setEnabled(byTarget_->isChecked());
    for (auto it = optional_.begin(); it != optional_.end(); ++it)
        fields_[it.key()].widget->setEnabled(it.value()->isChecked());
}

void SetupPanel::showStrategies(const ExperimentConfig& c) {
    // Parameters go to their widgets; the combos hold the names only.
    auto show = [](QWidget* combo_widget, ParamEditor* editor, const std::string& name,
                   const ParamValues& params, const RegistryEntry* entry) {
        auto* combo = static_cast<QComboBox*>(combo_widget);
        combo->setCurrentIndex(std::max(0, combo->findData(q(name))));
        editor->setEntry(entry);
        editor->setValues(params);
    };
    try {
        const Strategy primary = parse_strategy(c.method);
        show(fields_["method"].widget, methodParams_, primary.method.name, primary.method.params,
             find_merge_method(primary.method.name));
        const Choice rule = primary.rule_given ? primary.rule : parse_rule_choice(c.rule);
        show(fields_["rule"].widget, ruleParams_, rule.name, rule.params, find_local_rule(rule.name));
    } catch (const UsageError&) {
        // Shown by revalidate() beside the field.
    }
    const auto& chosen = c.mode == Mode::Lanes ? c.lanes : c.compare;
    std::vector<std::string> names;
    for (const auto& item : chosen) {
        try {
            names.push_back(parse_strategy(item).method.name);
        } catch (const UsageError&) {
            names.push_back(item); // ticks nothing; revalidate() says why
        }
    }
    for (auto it = compare_.begin(); it != compare_.end(); ++it)
        it.value()->setChecked(std::find(names.begin(), names.end(), it.key().toStdString()) != names.end());
    // Ticked plain methods need no text; anything more is typed out.
    lanesEdit_->setText(
        c.mode == Mode::Lanes && names != c.lanes ? q(format_setting(setting("lanes"), c.lanes)) : QString());
}

void SetupPanel::rebuildClassGrid(const std::vector<std::vector<int>>& assignment) {
    const bool was = updating_;
    updating_ = true;
    const int envs = static_cast<QSpinBox*>(fields_["envs"].widget)->value();
    auto groups = assignment;
    if (groups.empty() || static_cast<int>(groups.size()) != envs)
        groups = default_class_assignment(envs, std::max(envs, class_count()));
    classGrid_->setColumnCount(envs);
    // Short headers: ten columns must still be readable in the panel,
    // and a header that does not fit is elided into nonsense ("nv 1").
    for (int k = 0; k < envs; ++k) {
        auto* header = new QTableWidgetItem(envs > 4 ? QString::number(k + 1) : env_label(k));
        header->setToolTip(env_label(k));
        classGrid_->setHorizontalHeaderItem(k, header);
    }
    for (int c = 0; c < class_count(); ++c)
        for (int k = 0; k < envs; ++k) {
            auto* item = new QTableWidgetItem;
            item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
            const bool held = std::find(groups[k].begin(), groups[k].end(), c) != groups[k].end();
            item->setCheckState(held ? Qt::Checked : Qt::Unchecked);
            item->setToolTip(tr("%1 holds class %2").arg(env_label(k), short_class_name(c)));
            classGrid_->setItem(c, k, item);
        }
    updating_ = was;
}

std::vector<std::vector<int>> SetupPanel::gridAssignment() const {
    std::vector<std::vector<int>> groups(classGrid_->columnCount());
    for (int k = 0; k < classGrid_->columnCount(); ++k)
        for (int c = 0; c < class_count(); ++c)
            if (auto* item = classGrid_->item(c, k); item && item->checkState() == Qt::Checked)
                groups[k].push_back(c);
    return groups;
}

ExperimentConfig SetupPanel::config() const {
    // Settings without a field here (an opened run's training-image limit)
    // stay as they were set, so Start repeats that run.
    ExperimentConfig c = base_;
    for (const auto& f : fields_) {
        if (f.setting->key == "classes")
            continue;
        f.setting->set(c, f.read());
    }
    const auto* split = find_split(c.split.kind);
    c.split.classes = split && split->uses_classes ? gridAssignment() : std::vector<std::vector<int>>{};
    // The registry's order, not the map's.
    c.compare.clear();
    for (const auto& m : merge_method_names())
        if (compare_.contains(q(m)) && compare_[q(m)]->isChecked())
            c.compare.push_back(m);
    c.method = format_choice({c.method, methodParams_->values()});
    c.rule = format_choice({c.rule, ruleParams_->values()});
    // Set either way: an opened lanes run's mode must not outlive a switch
    // to compare (config() starts from what setConfig was given).
    c.mode = modeLanes_->isChecked() ? Mode::Lanes : Mode::Compare;
    c.lanes.clear();
    if (modeLanes_->isChecked()) {
        const auto typed = std::get<std::vector<std::string>>(
            parse_setting(setting("lanes"), lanesEdit_->text().toStdString()));
        c.lanes = typed.empty() ? c.compare : typed;
        c.compare = c.lanes;
    }
    if (!byTarget_->isChecked())
        c.local_target = 0;
    for (auto it = optional_.begin(); it != optional_.end(); ++it)
        if (!it.value()->isChecked())
            fields_[it.key()].setting->set(c, SettingValue(0.0));
    return c;
}

void SetupPanel::setConfig(const ExperimentConfig& c) {
    updating_ = true;
    base_ = c;
    for (const auto& f : fields_) {
        SettingValue v = f.setting->get(c);
        // An option that is off keeps a sensible value in its field.
        if (f.setting->suggested > 0 && std::get<double>(v) <= 0)
            v = f.setting->suggested;
        f.write(v);
    }
    rebuildClassGrid(c.split.classes);
    showStrategies(c);
    (c.mode == Mode::Lanes ? modeLanes_ : modeCompare_)->setChecked(true);
    (c.local_target > 0 ? byTarget_ : byEpochs_)->setChecked(true);
    for (auto it = optional_.begin(); it != optional_.end(); ++it)
        it.value()->setChecked(std::get<double>(fields_[it.key()].setting->get(c)) > 0);
    const QString match = q(matching_preset(c));
    preset_->setCurrentIndex(preset_->findData(match.isEmpty() ? QString("custom") : match));
    updating_ = false;
    refusal_.clear();
    updateVisibility();
    revalidate();
    countTimer_->start();
    emit changed();
}

void SetupPanel::applyPreset(const QString& name) {
    if (name == "custom" || !find_preset(name.toStdString()))
        return;
    ExperimentConfig c = preset(name.toStdString());
    const ExperimentConfig typed = config();
    c.data_dir = typed.data_dir;
    c.threads = typed.threads;
    setConfig(c);
}

QString SetupPanel::presetName() const {
    return preset_->currentData().toString();
}

void SetupPanel::setRefusal(const QString& message, const QString& field) {
    refusal_ = message;
    refusalField_ = field;
    revalidate();
}

void SetupPanel::setLocked(bool locked) {
    // The panel still scrolls, so a running setup can be read.
    content_->setEnabled(!locked);
    locked_ = locked;
    showProblem();
}

QWidget* SetupPanel::fieldWidget(const QString& key) const {
    auto it = fields_.find(key);
    return it != fields_.end() ? it->widget : nullptr;
}

} // namespace mergelab::ui
