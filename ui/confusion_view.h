#pragma once
// A confusion matrix as a heatmap: class names on both axes, counts in the
// cells, colour by share of the row (the true class). The selector chooses a
// merged method or an environment's local model; for an environment in an
// H split the classes it never saw are marked.
#include <QWidget>

#include "run_view.h"

class QComboBox;
class QLabel;
class QCPPainter;
class QPainter;

namespace mergelab::ui {

class ConfusionView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit ConfusionView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("confusion"); }
    QString title() const override { return tr("&Confusion"); }
    void setRunModel(RunModel* model) override;

    void setRun(RunPtr run);
    void setRound(int round); // 1-based; 0 or past the end: the last round
    // "avg", "max", ... or "env:K" (0-based) for an environment's local model.
    void setSource(const QString& source);

    QString source() const;
    QStringList sources() const;
    // For tests: the matrix shown, and the classes marked as never seen.
    ConfusionMatrix shownMatrix() const;
    QList<int> unseenClasses() const;
    // The line above the heatmap ("avg, round 3: 88.1 % of 10,000 test
    // images correct"), or the empty-state text.
    QString caption() const;

    QSize exportSize() override;
    void renderExport(QCPPainter& painter) override;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Layout;
    Layout computeLayout() const;
    void rebuildSources();
    void fitSelector();
    void fitFonts(); // the selector's, from the size and the zoom
    const RoundResult* shownRound() const;
    // -1 for a merged method.
    int shownEnv() const;
    const ConfusionMatrix* matrixOrNull() const;
    QColor sourceColor() const;
    QString sourceTitle() const;
    QString emptyText() const;
    QRectF canvasRect() const;
    void drawCells(QPainter& p, const Layout& L, const ConfusionMatrix& m, const QColor& color) const;
    void drawLegend(QPainter& p, const Layout& L, const QColor& color, const QList<int>& unseen) const;

    QComboBox* selector_ = nullptr;
    QLabel* selectorLabel_ = nullptr;
    RunPtr run_;
    int round_ = 0;
    QString source_ = QStringLiteral("avg");
};

} // namespace mergelab::ui
