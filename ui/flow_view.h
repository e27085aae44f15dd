#pragma once
// The teaching picture: environments as boxes (their classes, a few sample
// thumbnails, sizes), the merge in the middle, arrows out and back. The
// current phase lights up with a one-line caption of what happens and why.
// Data never crosses between environment boxes; only weights travel.
#include <QImage>
#include <QWidget>

#include <map>
#include <optional>
#include <vector>

#include "mergelab/distributed.h"
#include "run_view.h"

class QPainter;

namespace mergelab::ui {

class FlowView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit FlowView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("flow"); }
    QString title() const override { return tr("&Flow"); }
    // Live: the running lane's environments and phases; opened: the first lane.
    void setRunModel(RunModel* model) override;

    void setEnvironments(const std::vector<EnvironmentSummary>& envs, const QString& primaryMethod);
    void setData(DataPtr data); // thumbnails come from each environment's own classes
    void setPhase(const PhaseChanged& phase);
    void setIdle(const QString& caption);
    // Draws the centralised comparison model (a dashed box) when the run has one.
    void setBaseline(bool baseline);
    // A distributed run: each environment's process and what it does.
    void setEnvironmentStatus(const EnvironmentStatus& status);

    QString caption() const; // for tests

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Geometry;
    Geometry computeGeometry() const;
    void rebuildThumbnails();
    QString phaseCaption(const PhaseChanged& phase) const;
    QString envClassesText(int env) const;
    void drawEnvBox(QPainter& p, const QRectF& box, int env, bool lit, bool dimmed, double basePx) const;
    void drawMergeNode(QPainter& p, const Geometry& g, bool lit, const QColor& color, const QString& verb,
                       const QString& method) const;
    void drawThumbnails(QPainter& p, const QRectF& area, int env, double pad) const;
    void drawBaselineBox(QPainter& p, const QRectF& box, bool lit, double basePx) const;

    std::vector<EnvironmentSummary> envs_;
    QString primary_ = QStringLiteral("avg");
    DataPtr data_;
    std::vector<std::vector<QImage>> thumbnails_; // per environment, 28x28 greyscale
    std::optional<PhaseChanged> phase_;           // empty: idle
    QString caption_;
    bool baseline_ = false;
    std::map<int, QString> processes_; // per environment, in distributed runs
};

} // namespace mergelab::ui
