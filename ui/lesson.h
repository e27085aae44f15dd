#pragma once
// Lesson mode: the run halts after each step of the paper's algorithm
// (local training, merge, test of the merged model, copy back) and says
// what just happened in this run's own numbers, until the teacher presses
// Next. An opened run is walked through the same way from its run.json.
//
// The captions come from the same StepFinished numbers live and replayed,
// so a replay reads exactly as the live lesson did.
#include <QObject>
#include <QString>

#include <optional>
#include <vector>

#include "run_data.h"

namespace mergelab::ui {

// Accuracy as every lesson caption writes it: one decimal, the UI locale's
// digits, "96.4 %".
QString lesson_percent(double fraction);

struct LessonStep {
    StepFinished step;
    QString title; // "Round 2 · step 1 of 4: local training"
    QString text;  // what happened, in numbers
};

// The caption for `step` of `run` (its environments' classes and round
// limit; `last` says the run ends after this round).
LessonStep describe_step(const StepFinished& step, const RunResult& run, bool last);
// The four steps of every finished round of `run`, with the numbers the
// engine sent live (each local model on its own validation data; every
// merged model on the test images from the test on).
std::vector<StepFinished> lesson_steps(const RunResult& run);

// Where a lesson stands: which step is on screen and what Next does.
class LessonGuide : public QObject {
    Q_OBJECT
public:
    enum class Mode { Off, Live, Replay };

    explicit LessonGuide(QObject* parent = nullptr);

    Mode mode() const { return mode_; }
    // A step is on screen and Next would go on.
    bool isAtStop() const { return current_.has_value(); }
    const std::optional<LessonStep>& current() const { return current_; }

    // Live: a run in lesson mode starts; the engine stopped after a step;
    // it went on (Next, Resume, Step); the run ended.
    void beginLive();
    void liveStopped(const StepFinished& step, const RunResult& run);
    void liveContinued();
    // Replay: walks `run`'s finished rounds from the first step.
    bool beginReplay(RunPtr run);
    void end();
    // Live: asks the runner to go on (continueRequested); replay: shows
    // the next step, or ends after the last.
    void next();
    int replayPosition() const { return position_; } // index into the replay's steps

signals:
    void shown(const mergelab::ui::LessonStep& step);
    void cleared();           // nothing to show: the run goes on, or the lesson ended
    void continueRequested(); // live Next
    void modeChanged(mergelab::ui::LessonGuide::Mode mode);
    void replayFinished(); // after the last step of a replay

private:
    void show(LessonStep step);
    void setMode(Mode mode);

    Mode mode_ = Mode::Off;
    std::optional<LessonStep> current_;
    RunPtr replay_;
    std::vector<StepFinished> steps_;
    int position_ = -1;
};

} // namespace mergelab::ui
