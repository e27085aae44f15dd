#include "setup_panel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/merge.h"
#include "palette.h"

namespace mergelab::ui {

namespace {

// The alpha slider is logarithmic: 0.05 .. 10.
double slider_to_alpha(int v) { return std::pow(10.0, -1.3 + 2.3 * v / 100.0); }
int alpha_to_slider(double a) { return static_cast<int>(std::lround((std::log10(a) + 1.3) / 2.3 * 100)); }

} // namespace

SetupPanel::SetupPanel(QWidget* parent) : QWidget(parent) {
    build();
    applyPreset("quick");
}

QLabel* SetupPanel::errorLabel(const QString& field) {
    auto* label = new QLabel(this);
    label->setWordWrap(true);
    label->setStyleSheet("color: #b00020;");
    label->hide();
    errors_[field] = label;
    return label;
}

void SetupPanel::build() {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);

    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(new QLabel(tr("Preset:")));
    preset_ = new QComboBox;
    preset_->addItem(tr("Quick demo"), "quick");
    preset_->addItem(tr("Paper: V-environment"), "V");
    preset_->addItem(tr("Paper: H-environment"), "H");
    preset_->addItem(tr("Custom"), "custom");
    preset_->setToolTip(tr("Quick demo finishes in about a minute; the paper presets repeat its two experiments"));
    presetRow->addWidget(preset_, 1);
    outer->addLayout(presetRow);

    // Data
    auto* dataBox = new QGroupBox(tr("Data"));
    auto* dataLayout = new QVBoxLayout(dataBox);
    auto* dataRow = new QHBoxLayout;
    dataDir_ = new QLineEdit;
    dataDir_->setObjectName("dataDir");
    dataDir_->setPlaceholderText(QString::fromStdString(resolve_data_dir()));
    dataDir_->setToolTip(tr("Folder with the four Fashion-MNIST IDX files (gzipped or plain); empty: found automatically"));
    auto* browse = new QPushButton(tr("Browse…"));
    dataRow->addWidget(dataDir_, 1);
    dataRow->addWidget(browse);
    dataLayout->addLayout(dataRow);
    dataLayout->addWidget(errorLabel("data"));
    outer->addWidget(dataBox);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Fashion-MNIST folder"), dataDir_->text());
        if (!dir.isEmpty()) dataDir_->setText(dir);
    });

    // Environments
    auto* envBox = new QGroupBox(tr("Environments"));
    auto* envForm = new QFormLayout(envBox);
    split_ = new QComboBox;
    split_->addItem(tr("V: every environment has all classes"), "V");
    split_->addItem(tr("H: environments hold different classes"), "H");
    split_->addItem(tr("Dirichlet: skewed class shares"), "dirichlet");
    envForm->addRow(tr("Split"), split_);
    envs_ = new QSpinBox;
    envs_->setRange(2, 10);
    envForm->addRow(tr("Environments"), envs_);
    envForm->addRow(errorLabel("envs"));
    alphaRow_ = new QWidget;
    auto* alphaLayout = new QHBoxLayout(alphaRow_);
    alphaLayout->setContentsMargins(0, 0, 0, 0);
    alpha_ = new QSlider(Qt::Horizontal);
    alpha_->setRange(0, 100);
    alpha_->setToolTip(tr("Dirichlet concentration: small values give each environment few classes"));
    alphaValue_ = new QLabel;
    alphaValue_->setMinimumWidth(40);
    alphaLayout->addWidget(alpha_, 1);
    alphaLayout->addWidget(alphaValue_);
    envForm->addRow(tr("Alpha"), alphaRow_);
    classGrid_ = new QTableWidget(kNumClasses, 2);
    classGrid_->setToolTip(tr("Tick which environment holds each class; every class at most once"));
    classGrid_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    classGrid_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    classGrid_->setSelectionMode(QAbstractItemView::NoSelection);
    classGrid_->setMinimumHeight(120);
    QStringList rows;
    for (int c = 0; c < kNumClasses; ++c) rows << QString("%1 %2").arg(c).arg(short_class_name(c));
    classGrid_->setVerticalHeaderLabels(rows);
    envForm->addRow(classGrid_);
    envForm->addRow(errorLabel("classes"));
    fraction_ = new QSpinBox;
    fraction_->setRange(1, 100);
    fraction_->setSuffix(" %");
    fraction_->setToolTip(tr("Share of each environment's training images used; less is faster"));
    envForm->addRow(tr("Training data"), fraction_);
    envForm->addRow(errorLabel("fraction"));
    outer->addWidget(envBox);

    // Merging
    auto* mergeBox = new QGroupBox(tr("Merging"));
    auto* mergeForm = new QFormLayout(mergeBox);
    model_ = new QComboBox;
    model_->addItem(tr("CNN (2 conv + 2 linear)"), "cnn");
    model_->addItem(tr("MLP (2 linear)"), "mlp");
    mergeForm->addRow(tr("Model"), model_);
    method_ = new QComboBox;
    auto* compareRow = new QHBoxLayout;
    for (const auto& m : merge_method_names()) {
        const QString name = QString::fromStdString(m);
        method_->addItem(name, name);
        auto* box = new QCheckBox(name);
        box->setStyleSheet(QString("QCheckBox { color: %1; font-weight: bold; }").arg(method_color(name).name()));
        compare_[name] = box;
        compareRow->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &SetupPanel::revalidate);
    }
    method_->setToolTip(tr("The merged model that is copied back to every environment"));
    mergeForm->addRow(tr("Primary method"), method_);
    mergeForm->addRow(tr("Compare"), compareRow);
    modeCompare_ = new QRadioButton(tr("Compare on the same local models"));
    modeLanes_ = new QRadioButton(tr("Lanes: one experiment per method"));
    auto* modeGroup = new QButtonGroup(this);
    modeGroup->addButton(modeCompare_);
    modeGroup->addButton(modeLanes_);
    mergeForm->addRow(tr("Mode"), modeCompare_);
    mergeForm->addRow(QString(), modeLanes_);
    mergeForm->addRow(errorLabel("method"));
    baseline_ = new QCheckBox(tr("Centralised baseline (one model on all data)"));
    mergeForm->addRow(baseline_);
    outer->addWidget(mergeBox);

    // Training
    auto* trainBox = new QGroupBox(tr("Training"));
    auto* trainForm = new QFormLayout(trainBox);
    rounds_ = new QSpinBox;
    rounds_->setRange(1, 1000);
    trainForm->addRow(tr("Rounds (max)"), rounds_);
    byEpochs_ = new QRadioButton(tr("Epochs per round"));
    byTarget_ = new QRadioButton(tr("Until local accuracy"));
    auto* localGroup = new QButtonGroup(this);
    localGroup->addButton(byEpochs_);
    localGroup->addButton(byTarget_);
    localEpochs_ = new QSpinBox;
    localEpochs_->setRange(1, 100);
    localTarget_ = new QDoubleSpinBox;
    localTarget_->setRange(1, 100);
    localTarget_->setSuffix(" %");
    localTarget_->setDecimals(1);
    trainForm->addRow(byEpochs_, localEpochs_);
    trainForm->addRow(byTarget_, localTarget_);
    useTarget_ = new QCheckBox(tr("Stop at accuracy"));
    useTarget_->setToolTip(tr("Stop when the copied-back model reaches this in every environment"));
    target_ = new QDoubleSpinBox;
    target_->setRange(1, 100);
    target_->setSuffix(" %");
    target_->setDecimals(1);
    trainForm->addRow(useTarget_, target_);
    optimizer_ = new QComboBox;
    optimizer_->addItem("Adam", "adam");
    optimizer_->addItem(tr("SGD with momentum"), "sgd");
    trainForm->addRow(tr("Optimizer"), optimizer_);
    lr_ = new QLineEdit;
    lr_->setObjectName("lr");
    lr_->setToolTip(tr("Learning rate, e.g. 0.001"));
    trainForm->addRow(tr("Learning rate"), lr_);
    trainForm->addRow(errorLabel("lr"));
    batch_ = new QSpinBox;
    batch_->setRange(1, 4096);
    trainForm->addRow(tr("Batch size"), batch_);
    seed_ = new QSpinBox;
    seed_->setRange(0, 1000000);
    trainForm->addRow(tr("Seed"), seed_);
    init_ = new QComboBox;
    init_->addItem(tr("Shared: same initial weights"), "shared");
    init_->addItem(tr("Independent per environment"), "independent");
    trainForm->addRow(tr("Initialisation"), init_);
    threads_ = new QSpinBox;
    threads_->setRange(0, 256);
    threads_->setSpecialValueText(tr("automatic"));
    trainForm->addRow(tr("Threads"), threads_);
    trainForm->addRow(errorLabel("training"));
    outer->addWidget(trainBox);
    outer->addStretch(1);

    auto touched = [this] {
        if (updating_) return;
        if (preset_->currentData().toString() != "custom") {
            updating_ = true;
            preset_->setCurrentIndex(preset_->findData("custom"));
            updating_ = false;
        }
        revalidate();
        emit changed();
    };
    connect(preset_, &QComboBox::currentIndexChanged, this, [this] {
        if (!updating_) applyPreset(preset_->currentData().toString());
    });
    connect(dataDir_, &QLineEdit::textChanged, this, [this, touched] {
        dataError_.clear();
        touched();
    });
    connect(split_, &QComboBox::currentIndexChanged, this, [this, touched] {
        updateVisibility();
        touched();
    });
    connect(envs_, &QSpinBox::valueChanged, this, [this, touched] {
        if (!updating_) rebuildClassGrid({});
        touched();
    });
    connect(alpha_, &QSlider::valueChanged, this, [this, touched] {
        alphaValue_->setText(QString::number(slider_to_alpha(alpha_->value()), 'g', 2));
        touched();
    });
    connect(classGrid_, &QTableWidget::itemChanged, this, [touched] { touched(); });
    for (auto* spin : {rounds_, localEpochs_, batch_, seed_, threads_, fraction_})
        connect(spin, &QSpinBox::valueChanged, this, touched);
    for (auto* spin : {localTarget_, target_}) connect(spin, &QDoubleSpinBox::valueChanged, this, touched);
    for (auto* combo : {model_, method_, optimizer_, init_}) connect(combo, &QComboBox::currentIndexChanged, this, touched);
    for (auto* button : {static_cast<QAbstractButton*>(modeCompare_), static_cast<QAbstractButton*>(modeLanes_),
                         static_cast<QAbstractButton*>(byEpochs_), static_cast<QAbstractButton*>(byTarget_),
                         static_cast<QAbstractButton*>(useTarget_), static_cast<QAbstractButton*>(baseline_)})
        connect(button, &QAbstractButton::toggled, this, [this, touched] {
            updateVisibility();
            touched();
        });
    for (auto* box : compare_) connect(box, &QCheckBox::toggled, this, touched);
    connect(lr_, &QLineEdit::textChanged, this, touched);
}

void SetupPanel::updateVisibility() {
    const QString split = split_->currentData().toString();
    alphaRow_->setEnabled(split == "dirichlet");
    classGrid_->setVisible(split == "H");
    localEpochs_->setEnabled(true);
    localTarget_->setEnabled(byTarget_->isChecked());
    target_->setEnabled(useTarget_->isChecked());
}

void SetupPanel::rebuildClassGrid(const std::vector<std::vector<int>>& assignment) {
    const bool was = updating_;
    updating_ = true;
    const int envs = envs_->value();
    auto groups = assignment;
    if (groups.empty() || static_cast<int>(groups.size()) != envs) groups = default_class_assignment(envs);
    classGrid_->setColumnCount(envs);
    QStringList headers;
    for (int k = 0; k < envs; ++k) headers << env_label(k);
    classGrid_->setHorizontalHeaderLabels(headers);
    for (int c = 0; c < kNumClasses; ++c)
        for (int k = 0; k < envs; ++k) {
            auto* item = new QTableWidgetItem;
            item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
            const bool held = std::find(groups[k].begin(), groups[k].end(), c) != groups[k].end();
            item->setCheckState(held ? Qt::Checked : Qt::Unchecked);
            classGrid_->setItem(c, k, item);
        }
    updating_ = was;
}

std::vector<std::vector<int>> SetupPanel::gridAssignment() const {
    std::vector<std::vector<int>> groups(classGrid_->columnCount());
    for (int k = 0; k < classGrid_->columnCount(); ++k)
        for (int c = 0; c < kNumClasses; ++c)
            if (auto* item = classGrid_->item(c, k); item && item->checkState() == Qt::Checked) groups[k].push_back(c);
    return groups;
}

ExperimentConfig SetupPanel::config() const {
    ExperimentConfig c;
    c.data_dir = dataDir_->text().trimmed().toStdString();
    c.split.kind = split_->currentData().toString().toStdString();
    c.split.envs = envs_->value();
    c.split.alpha = slider_to_alpha(alpha_->value());
    if (c.split.kind == "H") c.split.classes = gridAssignment();
    c.split.train_fraction = fraction_->value() / 100.0;
    c.model = model_->currentData().toString().toStdString();
    c.method = method_->currentData().toString().toStdString();
    c.compare.clear();
    for (auto it = compare_.begin(); it != compare_.end(); ++it)
        if (it.value()->isChecked()) c.compare.push_back(it.key().toStdString());
    // Keep the registry's order (avg, max, absmax), not the map's.
    std::vector<std::string> ordered;
    for (const auto& m : merge_method_names())
        if (std::find(c.compare.begin(), c.compare.end(), m) != c.compare.end()) ordered.push_back(m);
    c.compare = ordered;
    if (modeLanes_->isChecked()) {
        c.mode = "lanes";
        c.lanes = c.compare;
    }
    c.baseline = baseline_->isChecked();
    c.rounds = rounds_->value();
    c.local_epochs = localEpochs_->value();
    c.local_target = byTarget_->isChecked() ? localTarget_->value() / 100.0 : 0.0;
    c.target = useTarget_->isChecked() ? target_->value() / 100.0 : 0.0;
    c.optimizer = optimizer_->currentData().toString().toStdString();
    bool ok = false;
    const double lr = lr_->text().trimmed().toDouble(&ok);
    c.lr = ok ? lr : std::nan("");
    c.batch_size = batch_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    c.split.seed = c.seed;
    c.init = init_->currentData().toString().toStdString();
    c.threads = threads_->value();
    return c;
}

void SetupPanel::setConfig(const ExperimentConfig& c) {
    updating_ = true;
    dataDir_->setText(QString::fromStdString(c.data_dir));
    split_->setCurrentIndex(std::max(0, split_->findData(QString::fromStdString(c.split.kind))));
    envs_->setValue(c.split.envs);
    alpha_->setValue(alpha_to_slider(c.split.alpha));
    alphaValue_->setText(QString::number(slider_to_alpha(alpha_->value()), 'g', 2));
    rebuildClassGrid(c.split.classes);
    fraction_->setValue(std::clamp(static_cast<int>(std::lround(c.split.train_fraction * 100)), 1, 100));
    model_->setCurrentIndex(std::max(0, model_->findData(QString::fromStdString(c.model))));
    method_->setCurrentIndex(std::max(0, method_->findData(QString::fromStdString(c.method))));
    const auto& chosen = c.mode == "lanes" ? c.lanes : c.compare;
    for (auto it = compare_.begin(); it != compare_.end(); ++it)
        it.value()->setChecked(std::find(chosen.begin(), chosen.end(), it.key().toStdString()) != chosen.end());
    (c.mode == "lanes" ? modeLanes_ : modeCompare_)->setChecked(true);
    baseline_->setChecked(c.baseline);
    rounds_->setValue(c.rounds);
    localEpochs_->setValue(c.local_epochs);
    (c.local_target > 0 ? byTarget_ : byEpochs_)->setChecked(true);
    localTarget_->setValue(c.local_target > 0 ? c.local_target * 100 : 90);
    useTarget_->setChecked(c.target > 0);
    target_->setValue(c.target > 0 ? c.target * 100 : 90);
    optimizer_->setCurrentIndex(std::max(0, optimizer_->findData(QString::fromStdString(c.optimizer))));
    lr_->setText(QString::number(c.lr, 'g', 6));
    batch_->setValue(c.batch_size);
    seed_->setValue(static_cast<int>(c.seed));
    init_->setCurrentIndex(std::max(0, init_->findData(QString::fromStdString(c.init))));
    threads_->setValue(c.threads);
    updating_ = false;
    updateVisibility();
    revalidate();
    emit changed();
}

void SetupPanel::applyPreset(const QString& name) {
    if (name == "custom") return;
    ExperimentConfig c = preset(name.toStdString());
    c.data_dir = dataDir_->text().trimmed().toStdString();
    setConfig(c);
    updating_ = true;
    preset_->setCurrentIndex(std::max(0, preset_->findData(name)));
    updating_ = false;
}

void SetupPanel::setDataError(const QString& message) {
    dataError_ = message;
    revalidate();
}

void SetupPanel::setLocked(bool locked) {
    for (auto* child : findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) child->setEnabled(!locked);
}

QString SetupPanel::fieldError(const QString& field) const {
    auto it = errors_.find(field);
    return it != errors_.end() && !it.value()->isHidden() ? it.value()->text() : QString();
}

void SetupPanel::revalidate() {
    for (auto* label : errors_) {
        label->clear();
        label->hide();
    }
    QString field, message;
    const ExperimentConfig c = config();
    // Fields that the core cannot see as typed text come first.
    if (!dataError_.isEmpty()) {
        field = "data", message = dataError_;
    } else {
        const QString dir = QString::fromStdString(resolve_data_dir(c.data_dir));
        if (!QFileInfo(dir).isDir())
            field = "data", message = tr("%1 is not a folder; choose the Fashion-MNIST folder").arg(dir);
        else if (!QFileInfo::exists(dir + "/train-images-idx3-ubyte.gz") &&
                 !QFileInfo::exists(dir + "/train-images-idx3-ubyte"))
            field = "data", message = tr("no train-images-idx3-ubyte(.gz) in %1").arg(dir);
    }
    if (message.isEmpty() && std::isnan(c.lr)) field = "lr", message = tr("the learning rate must be a number, e.g. 0.001");
    if (message.isEmpty() && c.compare.empty())
        field = "method", message = tr("tick at least one method to compare");
    if (message.isEmpty() && c.split.kind == "H") {
        for (size_t k = 0; k < c.split.classes.size() && message.isEmpty(); ++k)
            if (c.split.classes[k].empty()) field = "classes", message = tr("%1 holds no class").arg(env_label(int(k)));
        std::vector<int> seen(kNumClasses, 0);
        for (const auto& g : c.split.classes)
            for (int cls : g) ++seen[cls];
        for (int cls = 0; cls < kNumClasses && message.isEmpty(); ++cls)
            if (seen[cls] > 1)
                field = "classes", message = tr("class %1 (%2) is ticked for more than one environment")
                                                 .arg(cls)
                                                 .arg(short_class_name(cls));
    }
    if (message.isEmpty()) {
        try {
            validate(c);
        } catch (const UsageError& e) {
            message = QString::fromUtf8(e.what());
            // The core names the option it refuses; map it to the field.
            static const QList<QPair<QString, QString>> options = {
                {"--lr", "lr"},       {"--envs", "envs"},         {"--classes", "classes"},
                {"--train", "fraction"}, {"--method", "method"},  {"--compare", "method"},
                {"--lanes", "method"}, {"--alpha", "envs"}};
            field = "training";
            for (const auto& [option, name] : options)
                if (message.startsWith(option)) field = name;
        }
    }
    problem_ = message;
    if (!message.isEmpty()) {
        QLabel* label = errors_.value(field, errors_.value("training"));
        label->setText(message);
        label->show();
    }
    emit validityChanged(problem_.isEmpty(), problem_);
}

} // namespace mergelab::ui
