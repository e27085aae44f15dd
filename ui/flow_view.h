#pragma once
// The teaching picture: environments as boxes (their classes, a few sample
// thumbnails, sizes), the merge in the middle, arrows out and back. The
// current phase lights up with a one-line caption of what happens and why.
// Data never crosses between environment boxes; only weights travel.
#include <QImage>
#include <QWidget>

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "class_counts.h"
#include "lesson.h"
#include "mergelab/distributed.h"
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
    QString title() const override { return tr("Fl&ow"); }
    // Live: the running lane's environments and phases, each phase on
    // screen long enough to read; opened: the selected lane, with a button
    // that replays a round's phases.
    void setRunModel(RunModel* model) override;

    void setEnvironments(const std::vector<EnvironmentSummary>& envs, const QString& primaryMethod);
    void setData(DataPtr data);               // thumbnails come from each environment's own classes
    void setPhase(const PhaseChanged& phase); // at once; live phases go through the player
    void setIdle(const QString& caption);
    // Before any run: the picture of what Start will do with this setup,
    // its images per class from the setup panel's count (empty: not known).
    void showPlan(const ExperimentConfig& config, const std::vector<ClassCounts>& counts);
    // Training images of each class per environment, drawn as a bar in each box.
    void setClassCounts(std::vector<ClassCounts> counts);
    const std::vector<ClassCounts>& classCounts() const { return counts_; }
    PhasePlayer* player() const { return player_; }
    // Draws the centralised comparison model (a dashed box) when the run has one.
    void setBaseline(bool baseline);
    // A distributed run: each environment's process and what it does.
    void setEnvironmentStatus(const EnvironmentStatus& status);

    QString caption() const;                      // for tests
    std::vector<QRectF> environmentBoxes() const; // for tests
    // Whether the picture shows `env` (-1: the central baseline) training in
    // this lane's round now: the status bar names only what is lit here.
    bool showsTraining(const std::string& lane, int round, int env) const;

    // Lesson mode: the step that just ended, lit, with its numbers on the
    // boxes and its caption large; a Next button asks for the next one.
    void showLessonStep(const LessonStep& step);
    // The lesson goes on (or ended): the phases show again as they come.
    void clearLesson(const QString& caption = {});
    bool inLesson() const { return lesson_.has_value(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void captionChanged(const QString& caption);
    // A phase reached the screen (live phases wait their turn in the player).
    void phaseShown(const mergelab::PhaseChanged& phase);
    void nextRequested(); // the lesson's Next button

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Geometry;
    Geometry computeGeometry() const;
    void rebuildThumbnails();
    QString phaseCaption(const PhaseChanged& phase) const;
    QString trainingCaption(int round) const; // of everything in training_
    QString envClassesText(int env) const;
    void drawEnvBox(QPainter& p, const QRectF& box, int env, bool lit, bool dimmed, double basePx) const;
    // Weights out and the merged model back, with the shown round's bytes.
    void drawArrows(QPainter& p, const Geometry& g, bool outLit, bool backLit, bool training,
                    const QColor& methodColor) const;
    // The round whose bytes the arrows show: the phase's, or the scrubber's.
    const RoundResult* trafficRound() const;
    void drawMergeNode(QPainter& p, const Geometry& g, bool lit, const QColor& color, const QString& verb,
                       const QString& method) const;
    void drawThumbnails(QPainter& p, const QRectF& area, int env, double pad) const;
    void drawBaselineBox(QPainter& p, const QRectF& box, bool lit, double basePx) const;
    // A step's number beside what it is about (lesson mode).
    void drawBadge(QPainter& p, QPointF anchor, const QString& text, const QColor& color, double px) const;
    void drawLessonBadges(QPainter& p, const std::vector<QRectF>& boxes, QPointF merge, double radius,
                          double basePx) const;
    void drawLessonCaption(QPainter& p, const QRectF& textBox, double px) const;
    void placeLessonButton();
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
    std::set<int> training_;                      // lit together: environments, -1 the baseline
    bool joining_ = false;                        // the phase starts beside the one shown
    QString caption_;
    bool baseline_ = false;
    std::map<int, QString> processes_; // per environment, in distributed runs
    std::vector<ClassCounts> counts_;
    RunModel* model_ = nullptr;
    PhasePlayer* player_ = nullptr;
    QToolButton* replay_ = nullptr;
    QToolButton* next_ = nullptr; // lesson mode
    std::optional<LessonStep> lesson_;
    QString idleCaption_; // waits for the player to drain
    QString lanePrefix_;  // "Lane 2 of 3 (max): " in lanes mode
    std::string shownLane_;
    bool paused_ = false;
    std::optional<PhaseChanged> lastPhase_; // shown again on resume
    QString pausedCaption() const;
};

} // namespace mergelab::ui
