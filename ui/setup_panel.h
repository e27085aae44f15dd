#pragma once
// Everything a user sets before a run, with presets. The panel walks the
// setting declarations (mergelab/settings.h): each with a group gets a field
// in that group's box, in declaration order, and label, help, range, unit
// and choices come from there; a few settings have a builder here for a
// richer widget (the class grid, radio buttons, parameter editors). A
// refusal is shown beside the field whose key the core names. Validity is announced so the window can enable
// Start only for a valid setup.
#include <QMap>
#include <QWidget>

#include <functional>
#include <memory>

#include "environments_mode.h"
#include "mergelab/experiment.h"
#include "mergelab/settings.h"

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QRadioButton;
class QScrollArea;
class QTableWidget;
class QTimer;

namespace mergelab::ui {

class ClassCountsChart;
class ParamEditor;

class SetupPanel : public QWidget {
    Q_OBJECT
public:
    explicit SetupPanel(QWidget* parent = nullptr);

    // The setup as typed. Fields that do not parse keep their last value;
    // problem() says what is wrong.
    ExperimentConfig config() const;
    void setConfig(const ExperimentConfig& config);
    // A presets() name or "custom".
    void applyPreset(const QString& name);
    QString presetName() const;

    bool isValid() const { return problem_.isEmpty(); }
    QString problem() const { return problem_; }
    // Why the engine refused the last Start (the data could not be read, a
    // setting it would not take), shown beside `field` (a setting's key, or
    // empty for the setup as a whole). It holds Start back until the setup
    // changes in any way: a changed field, preset, opened run or mode.
    void setRefusal(const QString& message, const QString& field);
    // While a run is going on the setup is read-only.
    void setLocked(bool locked);

    // Lesson mode: the run halts after each step of the algorithm. How the
    // run is shown, not a setting of the experiment: never in run.json.
    bool lessonMode() const;
    void setLessonMode(bool on);

    // Where the environments run (not a setting of the experiment itself).
    EnvironmentsMode environmentsMode() const;
    // For other computers: the address and join token to type there.
    void setJoinInfo(const QString& text);

    // For tests: the explanation shown for a setting (its key: "lr",
    // "rounds", "classes", "data", ...), empty when that field is fine. The
    // field turns red and the message shows in a strip of fixed height
    // under the fields: nothing moves when a message comes or goes.
    QString fieldError(const QString& key) const;
    QString problemText() const; // the strip's text
    // The widget that edits a setting (objectName is the key), or nullptr.
    QWidget* fieldWidget(const QString& key) const;
    // Training images of each class per environment for the setup as it
    // stands (read from the data folder's labels), before Start.
    ClassCountsChart* classCounts() const { return counts_; }
    // Whether an image folder is being listed on Qt's pool (its class names,
    // counts and colour follow when it is back).
    bool listingFolder() const { return listingFolder_; }
    void recountNow(); // tests: without waiting for the debounce

signals:
    void validityChanged(bool valid, const QString& problem);
    void changed();
    void classCountsChanged(); // recounted for the current split
    // The data folder's classes differ from those shown (class_names.h).
    void classNamesChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // A widget bound to one setting: how to read and show its value.
    struct Field {
        const SettingDescriptor* setting = nullptr;
        QWidget* widget = nullptr;
        std::function<SettingValue()> read;
        std::function<void(const SettingValue&)> write;
    };

    void build();
    // Builders for settings whose field is more than the standard widget
    // of its type, by key; each adds its rows to its group's form.
    QMap<QString, std::function<void(QFormLayout*)>> specialBuilders();
    void addEnvironmentsFooter(QFormLayout* form);
    // A setting that 0 turns off: a check box as its label.
    void addOptionalField(QFormLayout* form, const QString& key);
    // Adds the standard widget for `key` as a form row (label, widget, error).
    Field& addField(QFormLayout* form, const QString& key);
    Field makeField(const SettingDescriptor& d);
    void addRow(QFormLayout* form, const QString& key, const QString& label, QWidget* widget);
    void revalidate();
    void rebuildClassGrid(const std::vector<std::vector<int>>& assignment);
    // One grid row per class of the data, named.
    void updateClassRows();
    // Makes `names` the classes shown (empty: Fashion-MNIST's).
    void showClassNames(const std::vector<std::string>& names);
    std::vector<std::string> gridClassNames_; // the names the class grid's rows show
    // Method, rule and lanes with their parameters into their widgets.
    void showStrategies(const ExperimentConfig& c);
    std::vector<std::vector<int>> gridAssignment() const;
    void updateVisibility();
    void touched();
    void markable(const QString& key, QWidget* widget); // what turns red when `key` is refused
    static void mark(QWidget* widget, bool wrong);
    void showProblem();
    const std::vector<uint8_t>* trainLabels(const QString& dir, double testFraction);

    QComboBox* preset_;
    QTableWidget* classGrid_;
    QMap<QString, QCheckBox*> compare_;
    ParamEditor* methodParams_;
    ParamEditor* ruleParams_;
    QLineEdit* lanesEdit_; // lanes mode: the strategies, METHOD[+RULE][:key=value,...]
    QRadioButton* modeCompare_;
    QRadioButton* modeLanes_;
    QRadioButton* byEpochs_;
    QRadioButton* byTarget_;
    QMap<QString, QCheckBox*> optional_; // by setting key: turns an optional setting on
    QMap<QString, Field> fields_;        // by setting key
    QMap<QString, QWidget*> marked_;     // by setting key: its label, or the field itself
    QWidget* content_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    QLabel* problemBar_ = nullptr;
    QString errorKey_; // the setting the problem is about
    QString problem_;
    QString refusal_, refusalField_;
    bool updating_ = false;
    bool locked_ = false;
    ExperimentConfig base_; // what setConfig gave, for settings without a field
    QComboBox* environmentsMode_ = nullptr;
    QCheckBox* lesson_ = nullptr;
    QLabel* joinInfo_ = nullptr;
    ClassCountsChart* counts_ = nullptr;
    QTimer* countTimer_ = nullptr; // recounts once typing pauses
    QString labelsDir_;
    std::vector<uint8_t> labels_;
    std::shared_ptr<int> listing_ = std::make_shared<int>(0); // run_in_background's generation
    bool listingFolder_ = false;                              // an image folder's listing is going on
};

} // namespace mergelab::ui
