#pragma once
// Everything a user sets before a run, with presets. Invalid input is
// explained beside the field where it is typed; validity is announced so the
// window can enable Start only for a valid setup.
#include <QMap>
#include <QWidget>

#include "mergelab/experiment.h"

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace mergelab::ui {

class SetupPanel : public QWidget {
    Q_OBJECT
public:
    explicit SetupPanel(QWidget* parent = nullptr);

    // The setup as typed. Fields that do not parse keep their last value;
    // problem() says what is wrong.
    ExperimentConfig config() const;
    void setConfig(const ExperimentConfig& config);
    // "V", "H", "quick" (see mergelab::preset) or "custom".
    void applyPreset(const QString& name);

    bool isValid() const { return problem_.isEmpty(); }
    QString problem() const { return problem_; }
    // A data error found when loading (shown beside the data directory).
    void setDataError(const QString& message);
    // While a run is going on the setup is read-only.
    void setLocked(bool locked);

    // For tests: the explanation shown beside a field ("lr", "rounds",
    // "classes", "data", ...), empty when that field is fine.
    QString fieldError(const QString& field) const;

signals:
    void validityChanged(bool valid, const QString& problem);
    void changed();

private:
    void build();
    void revalidate();
    void rebuildClassGrid(const std::vector<std::vector<int>>& assignment);
    std::vector<std::vector<int>> gridAssignment() const;
    void updateVisibility();
    QLabel* errorLabel(const QString& field);

    QComboBox* preset_;
    QLineEdit* dataDir_;
    QComboBox* split_;
    QSpinBox* envs_;
    QSlider* alpha_;
    QLabel* alphaValue_;
    QWidget* alphaRow_;
    QTableWidget* classGrid_;
    QComboBox* model_;
    QComboBox* method_;
    QMap<QString, QCheckBox*> compare_;
    QRadioButton* modeCompare_;
    QRadioButton* modeLanes_;
    QSpinBox* rounds_;
    QRadioButton* byEpochs_;
    QRadioButton* byTarget_;
    QSpinBox* localEpochs_;
    QDoubleSpinBox* localTarget_;
    QCheckBox* useTarget_;
    QDoubleSpinBox* target_;
    QComboBox* optimizer_;
    QLineEdit* lr_;
    QSpinBox* batch_;
    QSpinBox* seed_;
    QComboBox* init_;
    QSpinBox* fraction_;
    QCheckBox* baseline_;
    QSpinBox* threads_;
    QMap<QString, QLabel*> errors_;
    QString problem_;
    QString dataError_;
    bool updating_ = false;
    double lastLr_ = 1e-3;
};

} // namespace mergelab::ui
