#pragma once
// Test images that the selected merged model gets wrong, with the true and
// the predicted class.
#include <QWidget>

#include <cstdint>
#include <vector>

#include "run_view.h"

class QComboBox;
class QLabel;
class QScrollArea;

namespace mergelab::ui {

class SamplesGrid;

class SamplesView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit SamplesView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("samples"); }
    QString title() const override { return tr("&Samples"); }
    void setRunModel(RunModel* model) override;

    void setRun(RunPtr run);
    void setData(DataPtr data);
    void setRound(int round); // 1-based; 0 or past the end: the last round
    void setMethod(const QString& method);

    int shownCount() const;   // for tests
    int mistakeCount() const; // all mistakes of the selected model
    QString method() const;
    QStringList methods() const;
    QString headerText() const; // the line above the grid, or why nothing is shown

    // The images and their labels, without the selector or the scroll bars.
    QWidget* exportWidget() override;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    static constexpr int kMaxShown = 60;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void fitFonts(); // the row above the grid's, from the width and the zoom
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildMethods();
    void recompute();
    void layoutGrid();
    const RoundResult* shownRound() const;

    QLabel* methodLabel_ = nullptr;
    QComboBox* selector_ = nullptr;
    QLabel* header_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    SamplesGrid* grid_ = nullptr;
    RunPtr run_;
    DataPtr data_;
    int round_ = 0;
    QString method_;
    int mistakes_ = 0;
};

} // namespace mergelab::ui
