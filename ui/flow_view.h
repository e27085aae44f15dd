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
#include "class_counts.h"
#include "run_view.h"

class QPainter;
class QToolButton;

namespace mergelab::ui {

class PhasePlayer;

class FlowView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit FlowView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("flow"); }
    QString title() const override { return tr("&Flow"); }
    // Live: the running lane's environments and phases, each phase on
    // screen long enough to read; opened: the selected lane, with a button
    // that replays a round's phases.
    void setRunModel(RunModel* model) override;

    void setEnvironments(const std::vector<EnvironmentSummary>& envs, const QString& primaryMethod);
    void setData(DataPtr data); // thumbnails come from each environment's own classes
    void setPhase(const PhaseChanged& phase); // at once; live phases go through the player
    void setIdle(const QString& caption);
    // Training images of each class per environment, drawn as a bar in each box.
    void setClassCounts(std::vector<ClassCounts> counts);
    const std::vector<ClassCounts>& classCounts() const { return counts_; }
    PhasePlayer* player() const { return player_; }
    // Draws the centralised comparison model (a dashed box) when the run has one.
    void setBaseline(bool baseline);
    // A distributed run: each environment's process and what it does.
    void setEnvironmentStatus(const EnvironmentStatus& status);

    QString caption() const; // for tests

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void captionChanged(const QString& caption);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

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
    void setCaption(const QString& caption);
    double barH(double lineH) const { return counts_.empty() ? 0.0 : lineH * 0.9; }
    void showLane(int lane);
    void recount();
    void showWhenIdle(const QString& caption); // after the queued phases have played
    void updateReplayButton();

    std::vector<EnvironmentSummary> envs_;
    QString primary_ = QStringLiteral("avg");
    DataPtr data_;
    std::vector<std::vector<QImage>> thumbnails_; // per environment, 28x28 greyscale
    std::optional<PhaseChanged> phase_;           // empty: idle
    QString caption_;
    bool baseline_ = false;
    std::map<int, QString> processes_; // per environment, in distributed runs
    std::vector<ClassCounts> counts_;
    RunModel* model_ = nullptr;
    PhasePlayer* player_ = nullptr;
    QToolButton* replay_ = nullptr;
    QString idleCaption_; // waits for the player to drain
    QString lanePrefix_;  // "Lane 2 of 3 (max): " in lanes mode
    std::string shownLane_;
    bool paused_ = false;
    std::optional<PhaseChanged> lastPhase_; // shown again on resume
    QString pausedCaption() const;
};

} // namespace mergelab::ui
