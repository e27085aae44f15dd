// The setup panel's judgement: what is wrong, said once in the strip under
// the fields with that field in red; the wheel over a field that is not
// being edited; and the class counts of the split as it stands.
#include "setup_panel.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFileInfo>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableWidget>
#include <QTimer>

#include "class_counts.h"
#include "i18n.h"
#include "insight_kit.h"
#include "mergelab/dataset.h"
#include "mergelab/distributed.h"
#include "mergelab/error.h"
#include "mergelab/idx.h"
#include "mergelab/image_folder.h"
#include "mergelab/split.h"
#include "palette.h"

namespace mergelab::ui {

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

void SetupPanel::markable(const QString& key, QWidget* widget) {
    marked_[key] = widget;
}

void SetupPanel::mark(QWidget* widget, bool wrong) {
    // A colour only: nothing grows, shrinks or moves when a message comes
    // or goes, so a click lands where the pointer was aimed.
    if (!widget)
        return;
    if (!wrong) {
        widget->setPalette(QPalette());
        return;
    }
    QPalette p = widget->palette();
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(role, QColor(176, 0, 32));
    widget->setPalette(p);
}

void SetupPanel::showProblem() {
    // One message, in a strip of fixed height under the fields, always in
    // view; its field turns red and the link scrolls to it.
    if (locked_) {
        problemBar_->setStyleSheet(QStringLiteral("color: #555;"));
        problemBar_->setText(tr("A run is going on: the setup is locked until it ends (Stop ends it now)."));
        return;
    }
    if (problem_.isEmpty()) {
        problemBar_->setStyleSheet(QStringLiteral("color: #555;"));
        problemBar_->setText(tr("Ready: press Start (Ctrl+R)"));
        return;
    }
    QWidget* field = marked_.value(errorKey_);
    mark(field, true);
    problemBar_->setStyleSheet(QStringLiteral("color: #b00020;"));
    problemBar_->setText(
        field
            ? QStringLiteral("&#9888; %1 <a href=\"#%2\">(show)</a>").arg(problem_.toHtmlEscaped(), errorKey_)
            : QStringLiteral("&#9888; %1").arg(problem_.toHtmlEscaped()));
}

bool SetupPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Wheel) {
        auto* w = qobject_cast<QWidget*>(watched);
        if (w && !w->hasFocus()) {
            // Not this field's: the panel scrolls on under the pointer, and
            // the value stays as it is.
            QCoreApplication::sendEvent(scroll_->verticalScrollBar(), event);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

const std::vector<uint8_t>* SetupPanel::trainLabels(const QString& dir, double testFraction) {
    // An image folder's held-out share changes which files train.
    const QString key = dir + QLatin1Char('\n') + QString::number(testFraction);
    if (key == labelsDir_)
        return labels_.empty() ? nullptr : &labels_;
    labelsDir_ = key;
    labels_.clear();
    // A question about another folder makes any listing still going stale.
    ++*listing_;
    if (is_image_folder(dir.toStdString())) {
        // Listed, not decoded, but a few hundred ms for 70,000 files and a
        // few dozen images decoded for the colour: on Qt's pool, never on the
        // GUI thread. The counts follow when the listing is back.
        listingFolder_ = true;
        ImageFolderOptions options;
        options.test_fraction = testFraction;
        const std::string folder = dir.toStdString();
        run_in_background<ImageFolderSummary>(
            this, listing_, [folder, options] { return image_folder_summary(folder, options); },
            [this](const Outcome<ImageFolderSummary>& outcome) {
                listingFolder_ = false;
                if (outcome.value) {
                    labels_ = outcome.value->train_labels;
                    showClassNames(outcome.value->class_names);
                    // Colour pictures get the colour model; the user may
                    // still choose the grey one, which reads them as grey.
                    Field& model = fields_["model"];
                    if (outcome.value->colour && model.read && std::get<std::string>(model.read()) == "cnn")
                        model.write(SettingValue(std::string("cnn-rgb")));
                }
                recountNow();
            });
        return nullptr;
    }
    listingFolder_ = false;
    showClassNames({});
    // 60,000 bytes: read on the spot, once per folder.
    for (const char* name : {"/train-labels-idx1-ubyte.gz", "/train-labels-idx1-ubyte"}) {
        if (!QFileInfo::exists(dir + name))
            continue;
        try {
            labels_ = read_idx_labels((dir + name).toStdString());
        } catch (const std::exception&) {
            labels_.clear(); // the data field says what is wrong with the folder
        }
        break;
    }
    return labels_.empty() ? nullptr : &labels_;
}

void SetupPanel::updateClassRows() {
    if (!classGrid_)
        return;
    gridClassNames_ = shown_class_names();
    classGrid_->setRowCount(class_count());
    for (int c = 0; c < class_count(); ++c)
        classGrid_->setRowHeight(c, 22);
    // The number leads: H groups are written with it (0-4;5-9).
    QStringList rows;
    for (int c = 0; c < class_count(); ++c)
        rows << QString("%1 %2").arg(c).arg(short_class_name(c));
    classGrid_->setVerticalHeaderLabels(rows);
}

void SetupPanel::showClassNames(const std::vector<std::string>& names) {
    set_class_names(names);
    // Compared with the grid's own rows: an opened run may have set the
    // window's names already.
    if (shown_class_names() == gridClassNames_)
        return;
    // The class grid's rows are the data's classes; its ticks start again.
    updateClassRows();
    rebuildClassGrid({});
    emit classNamesChanged();
}

void SetupPanel::recountNow() {
    const ExperimentConfig c = config();
    const std::vector<uint8_t>* labels = trainLabels(q(resolve_data_dir(c.data_dir)), c.test_fraction);
    if (listingFolder_) {
        // Counted when the listing is back; until then no count is claimed.
        counts_->setCounts({});
        counts_->setMessage(tr("Listing the image folder…"));
        return;
    }
    if (!labels) {
        counts_->setCounts({});
        counts_->setMessage(tr("Class counts appear once the data folder holds the training labels"));
        emit classCountsChanged();
        return;
    }
    counts_->setCounts(environment_class_counts(c, *labels));
    emit classCountsChanged();
}

QString SetupPanel::fieldError(const QString& key) const {
    if (problem_.isEmpty())
        return {};
    const bool general = !marked_.contains(errorKey_);
    return key == errorKey_ || (general && key == QLatin1String("general")) ? problem_ : QString();
}

QString SetupPanel::problemText() const {
    return problemBar_->text();
}

void SetupPanel::revalidate() {
    mark(marked_.value(errorKey_), false);
    QString field, message;
    const ExperimentConfig c = config();
    // What the core cannot judge from the settings alone comes first.
    if (!refusal_.isEmpty()) {
        field = refusalField_.isEmpty() ? QStringLiteral("general") : refusalField_, message = refusal_;
    } else {
        const QString dir = q(resolve_data_dir(c.data_dir));
        if (!QFileInfo(dir).isDir())
            field = "data", message = tr("%1 is not a folder; choose the Fashion-MNIST folder").arg(dir);
        else if (!is_image_folder(dir.toStdString()) &&
                 !QFileInfo::exists(dir + "/train-images-idx3-ubyte.gz") &&
                 !QFileInfo::exists(dir + "/train-images-idx3-ubyte"))
            field = "data",
            message =
                tr("%1 holds neither train-images-idx3-ubyte(.gz) nor class folders of images").arg(dir);
        else if (colour_for_model(c.model) && !is_image_folder(dir.toStdString()))
            field = "model",
            message =
                tr("%1 reads colour images: choose a folder of images, or the model cnn").arg(q(c.model));
    }
    if (message.isEmpty() && c.split.kind == "H") {
        for (size_t k = 0; k < c.split.classes.size() && message.isEmpty(); ++k)
            if (c.split.classes[k].empty())
                field = "classes", message = tr("%1 holds no class").arg(env_label(int(k)));
        std::vector<int> seen(class_count(), 0);
        for (const auto& g : c.split.classes)
            for (int cls : g)
                ++seen[cls];
        for (int cls = 0; cls < class_count() && message.isEmpty(); ++cls)
            if (seen[cls] > 1)
                field = "classes", message = tr("class %1 (%2) is ticked for more than one environment")
                                                 .arg(cls)
                                                 .arg(short_class_name(cls));
    }
    if (message.isEmpty()) {
        try {
            if (environmentsMode() == EnvironmentsMode::Threads) {
                validate(c);
            } else {
                // The engine's own check for environments in separate
                // processes, before Start rather than after it. The window
                // leaves the baseline out of such runs itself.
                ExperimentConfig separate = c;
                separate.baseline = false;
                validate_distributed(separate);
            }
        } catch (const UsageError& e) {
            // Spoken with the field's own label, not the command-line option.
            field = q(e.field());
            const SettingDescriptor* d = find_setting(e.field());
            message = d ? tr("%1 %2").arg(coreText(d->label), q(e.problem())) : q(e.what());
        }
    }
    problem_ = message;
    errorKey_ = field;
    showProblem();
    emit validityChanged(problem_.isEmpty(), problem_);
}

} // namespace mergelab::ui
