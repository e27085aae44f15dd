#pragma once
// The confusion matrices of every method compared in a round as small
// multiples on one shared colour scale, and the difference of any two:
// where one method gains what the other loses.
#include <QWidget>

#include "run_view.h"

class QComboBox;
class QLabel;

namespace mergelab::ui {

class MethodsView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit MethodsView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("methods"); }
    QString title() const override { return tr("&Methods"); }
    void setRunModel(RunModel* model) override;
    QList<QWidget*> exportParts() override;

    void setRun(RunPtr run);
    void setRound(int round);
    void setDifference(const QString& a, const QString& b);

    // For tests: the panels' titles in order (the last is the difference),
    // and the difference matrix drawn (A minus B, counts).
    QStringList panelTitles() const;
    ConfusionMatrix difference() const;
    QString caption() const;

    QSize sizeHint() const override { return {900, 520}; }
    QSize minimumSizeHint() const override { return {360, 260}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Panel;
    std::vector<Panel> panels() const;
    void refillMethods();
    QRectF canvas() const;

    QComboBox* first_ = nullptr;
    QComboBox* second_ = nullptr;
    QLabel* caption_ = nullptr;
    QWidget* bar_ = nullptr;
    RunPtr run_;
    int round_ = 0;
    QString a_ = QStringLiteral("avg"), b_ = QStringLiteral("max");
};

} // namespace mergelab::ui
