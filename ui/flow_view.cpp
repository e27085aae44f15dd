#include "flow_view.h"
#include "flow_geometry.h"

#include <QEvent>
#include <QPainter>
#include <QPainterPath>
#include <QStyle>
#include <QToolButton>
#include <QTransform>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "mergelab/error.h"
#include "mergelab/strategy.h"
#include "messages.h"
#include "palette.h"
#include "phase_player.h"
#include "run_model.h"
#include "zoom.h"

namespace mergelab::ui {
namespace {

// "0-4", "0, 2, 4", "3".
QString class_range(const std::vector<int>& classes) {
    if (classes.empty())
        return {};
    bool contiguous = true;
    for (size_t i = 1; i < classes.size(); ++i)
        if (classes[i] != classes[i - 1] + 1)
            contiguous = false;
    if (contiguous && classes.size() > 2)
        return QStringLiteral("%1-%2").arg(classes.front()).arg(classes.back());
    QStringList parts;
    for (int c : classes)
        parts << QString::number(c);
    return parts.join(QStringLiteral(", "));
}

// Whether the strategy has a step after the merge, whose statistics travel
// beside the weights. A name the grammar refuses shares only weights.
bool sends_statistics(const QString& strategy) {
    try {
        return parse_strategy(strategy.toStdString()).calibrated();
    } catch (const UsageError&) {
        return false;
    }
}

} // namespace

FlowView::FlowView(QWidget* parent)
    : QWidget(parent)
    , player_(new PhasePlayer(this)) {
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    caption_ =
        tr("Start an experiment to see how the environments train apart and share only their weights.");
    replay_ = new QToolButton(this);
    replay_->setObjectName(QStringLiteral("replayRound"));
    replay_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    replay_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    replay_->setToolTip(
        tr("Play the round's phases again, slowly: training, merging, testing, copying back"));
    replay_->move(8, 8);
    replay_->hide();
    next_ = new QToolButton(this);
    next_->setObjectName(QStringLiteral("lessonNext"));
    next_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    next_->setIcon(style()->standardIcon(QStyle::SP_MediaSkipForward));
    next_->setText(tr("Next step (Space)"));
    next_->setToolTip(tr("Go on to the next step of the algorithm (Space or Right arrow)"));
    // Never the keyboard focus: Space belongs to the window's Next, and a
    // focused button would take it for a click of its own.
    next_->setFocusPolicy(Qt::NoFocus);
    next_->hide();
    connect(next_, &QToolButton::clicked, this, &FlowView::nextRequested);
    on_zoom(this, [this] { update(); });
    connect(player_, &PhasePlayer::show, this, &FlowView::setPhase);
    connect(player_, &PhasePlayer::joined, this, [this](const PhaseChanged& phase) {
        joining_ = true;
        setPhase(phase);
        joining_ = false;
    });
    connect(player_, &PhasePlayer::drained, this, [this] {
        if (lesson_)
            return;
        if (paused_)
            setIdle(pausedCaption());
        else if (!idleCaption_.isEmpty())
            setIdle(idleCaption_);
        updateReplayButton();
    });
    connect(replay_, &QToolButton::clicked, this, [this] {
        if (!model_ || !model_->run())
            return;
        idleCaption_ = caption_;
        player_->replay(*model_->run(), model_->selectedRound());
        updateReplayButton();
    });
}

void FlowView::changeEvent(QEvent* event) {
    // The Replay button is placed by hand, so no layout resizes it for a
    // larger font (the zoom).
    if (event->type() == QEvent::FontChange)
        replay_->adjustSize();
    QWidget::changeEvent(event);
}

QSize FlowView::sizeHint() const {
    return {960, 600};
}
QSize FlowView::minimumSizeHint() const {
    return {520, 340};
}

void FlowView::setRunModel(RunModel* model) {
    model_ = model;
    connect(model, &RunModel::dataChanged, this, [this, model] {
        setData(model->data());
        recount();
    });
    connect(model, &RunModel::laneAdded, this, [this, model](int lane) {
        // Live, the picture is the lane that trains.
        if (model->isLive())
            showLane(lane);
    });
    connect(model, &RunModel::laneSelected, this, [this, model](int lane) {
        if (!model->isLive())
            showLane(lane);
        updateReplayButton();
    });
    connect(model, &RunModel::roundSelected, this, [this] { updateReplayButton(); });
    // The arrows carry the shown round's bytes, which arrive with the round.
    connect(model, &RunModel::roundAdded, this, qOverload<>(&QWidget::update));
    connect(model, &RunModel::environmentStatus, this, &FlowView::setEnvironmentStatus);
    connect(model, &RunModel::runReset, this, [this, model] {
        processes_.clear();
        player_->clear();
        lesson_.reset();
        next_->hide();
        paused_ = false;
        lastPhase_.reset();
        idleCaption_.clear();
        lanePrefix_.clear();
        if (model->isLive() || model->laneCount() == 0) {
            updateReplayButton();
            return;
        }
        showLane(model->selectedLane());
        setIdle(tr("Opened %1: %2. Press Replay to watch a round's merge step by step; scrub through the "
                   "rounds above.")
                    .arg(model->origin(), stop_summary(*model->run())));
        updateReplayButton();
    });
    connect(model, &RunModel::phaseChanged, player_, &PhasePlayer::push);
    connect(model, &RunModel::pausedChanged, this, [this](bool paused) {
        // Shown once the phases before the pause have played.
        paused_ = paused;
        if (lesson_)
            return; // the lesson's caption says more than "paused"
        if (paused && !player_->isPlaying())
            setIdle(pausedCaption());
        if (!paused && lastPhase_)
            setPhase(*lastPhase_);
    });
    connect(model, &RunModel::liveFinished, this, [this, model] {
        const RunPtr run = model->run();
        if (!player_->isPlaying())
            showLane(model->selectedLane());
        if (!run)
            showWhenIdle(tr("Press Start to train."));
        else if (run->stopped == StopReason::Running)
            showWhenIdle(tr("Finished. Scrub through the rounds above, or replay one."));
        else
            showWhenIdle(
                tr("Run ended: %1. Scrub through the rounds above, or replay one.").arg(stop_summary(*run)));
    });
    if (model->data())
        setData(model->data());
}

void FlowView::showLane(int lane) {
    const RunPtr run = model_ ? model_->lane(lane) : nullptr;
    if (!run)
        return;
    shownLane_ = run->lane;
    const ExperimentConfig& c = model_->config();
    lanePrefix_ = c.mode == Mode::Lanes && model_->laneCount() > 0
                      ? tr("Lane %1 of %2 (%3): ")
                            .arg(lane + 1)
                            .arg(model_->plannedLanes())
                            .arg(QString::fromStdString(run->lane))
                      : QString();
    setBaseline(c.baseline);
    setEnvironments(run->envs, QString::fromStdString(run->config.method));
    recount();
}

void FlowView::recount() {
    const RunPtr run = model_ ? model_->run() : nullptr;
    const DataPtr data = model_ ? model_->data() : nullptr;
    if (!run || !data)
        return;
    setClassCounts(environment_class_counts(run->config, data->train.labels));
}

void FlowView::showWhenIdle(const QString& caption) {
    idleCaption_ = caption;
    if (!player_->isPlaying() && !caption.isEmpty())
        setIdle(caption);
}

void FlowView::updateReplayButton() {
    const bool can =
        !lesson_ && model_ && !model_->isLive() && model_->run() && !model_->run()->rounds.empty();
    const RoundResult* round = can ? model_->shownRound() : nullptr;
    replay_->setVisible(round != nullptr);
    if (round)
        replay_->setText(tr("Replay round %1").arg(round->round));
    replay_->setEnabled(!player_->isPlaying());
    replay_->adjustSize();
    update(); // the boxes start below the button when it shows
}

void FlowView::setClassCounts(std::vector<ClassCounts> counts) {
    counts_ = std::move(counts);
    update();
}

void FlowView::setCaption(const QString& caption) {
    if (caption == caption_)
        return;
    caption_ = caption;
    emit captionChanged(caption_);
    update();
}

void FlowView::setEnvironments(const std::vector<EnvironmentSummary>& envs, const QString& primaryMethod) {
    envs_ = envs;
    if (!primaryMethod.isEmpty())
        primary_ = primaryMethod;
    if (!phase_)
        setCaption(lanePrefix_ +
                   (sends_statistics(primary_)
                        ? tr("Each environment trains on its own images; only the weights, and per class the "
                             "statistics of its features, meet in the middle (%1).")
                        : tr("Each environment trains on its own images; only the weights meet in the middle "
                             "(%1)."))
                       .arg(primary_));
    rebuildThumbnails();
    update();
}

void FlowView::setData(DataPtr data) {
    data_ = std::move(data);
    rebuildThumbnails();
    update();
}

QString FlowView::pausedCaption() const {
    return tr("Paused. Resume (Ctrl+P) carries on; Step (F10) runs one more round.");
}

void FlowView::setPhase(const PhaseChanged& phase) {
    if (lesson_)
        return; // nothing moves while the teacher explains a step
    const bool trains = phase.phase == Phase::Training || phase.phase == Phase::Baseline;
    const bool joins = joining_ && trains && phase_ &&
                       (phase_->phase == Phase::Training || phase_->phase == Phase::Baseline) &&
                       phase_->lane == phase.lane && phase_->round == phase.round;
    if (!joins)
        training_.clear();
    if (trains)
        training_.insert(phase.phase == Phase::Baseline ? -1 : phase.env);
    phase_ = phase;
    lastPhase_ = phase;
    if (model_ && !phase.lane.empty() && phase.lane != shownLane_) {
        // Live lanes: the picture is the lane that trains.
        for (int i = 0; i < model_->laneCount(); ++i)
            if (model_->lane(i)->lane == phase.lane)
                showLane(i);
    }
    setCaption(lanePrefix_ + (training_.size() > 1 ? trainingCaption(phase.round) : phaseCaption(phase)));
    update();
    emit phaseShown(phase);
}

bool FlowView::showsTraining(const std::string& lane, int round, int env) const {
    return phase_ && !lesson_ && phase_->lane == lane && phase_->round == round && training_.count(env) > 0;
}

QString FlowView::trainingCaption(int round) const {
    QStringList names;
    for (int env : training_)
        if (env >= 0)
            names << env_label(env);
    QString who = names.value(0);
    for (int i = 1; i < names.size(); ++i)
        who = (i + 1 < names.size() ? tr("%1, %2") : tr("%1 and %2")).arg(who, names[i]);
    const QString round_text = tr("Round %1").arg(round);
    if (!training_.count(-1))
        return tr("%1: %2 train, each on its own data only").arg(round_text, who);
    return (names.size() == 1 ? tr("%1: %2 trains on its own data only; for comparison, one central model "
                                   "trains on all environments' data together")
                              : tr("%1: %2 train, each on its own data only; for comparison, one central "
                                   "model trains on all their data together"))
        .arg(round_text, who);
}

void FlowView::showLessonStep(const LessonStep& step) {
    // Phases still queued happened before this stop: the stop is newer.
    player_->clear();
    lesson_.reset();
    PhaseChanged phase;
    phase.lane = step.step.lane;
    phase.round = step.step.round;
    phase.phase = step.step.step;
    phase.method = step.step.primary;
    setPhase(phase); // the lane, lit as that phase
    lesson_ = step;
    setCaption(lanePrefix_ + step.title + QLatin1Char('\n') + step.text);
    replay_->hide();
    next_->show();
    placeLessonButton();
    update();
}

void FlowView::clearLesson(const QString& caption) {
    if (!lesson_)
        return;
    lesson_.reset();
    next_->hide();
    updateReplayButton();
    setIdle(caption.isEmpty() ? tr("Going on to the next step…") : caption);
}

// In the caption band's top right corner, beside the step's title: where
// the eye already is, and clear of the boxes' numbers.
void FlowView::placeLessonButton() {
    const Geometry g = computeGeometry();
    QFont f = font();
    f.setPixelSize(std::max(14, static_cast<int>(g.font * 1.2)));
    f.setBold(true);
    next_->setFont(f);
    next_->setIconSize(QSize(f.pixelSize(), f.pixelSize()));
    next_->adjustSize();
    next_->move(static_cast<int>(g.caption.right() - next_->width() - g.font * 0.5),
                static_cast<int>(g.caption.top() + g.font * 0.4));
}

void FlowView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (lesson_)
        placeLessonButton();
}

void FlowView::setIdle(const QString& caption) {
    phase_.reset();
    training_.clear();
    setCaption(caption);
    idleCaption_.clear(); // after: `caption` may be idleCaption_ itself
    update();
}

void FlowView::showPlan(const ExperimentConfig& config, const std::vector<ClassCounts>& counts) {
    if (model_ && (model_->isLive() || model_->run()))
        return; // a run's own picture is shown
    std::vector<EnvironmentSummary> envs(static_cast<size_t>(std::max(0, config.split.envs)));
    for (size_t k = 0; k < envs.size() && k < counts.size(); ++k) {
        envs[k].train_size = std::accumulate(counts[k].begin(), counts[k].end(), int64_t(0));
        envs[k].val_size = -1;
        for (int c = 0; c < class_count(); ++c)
            if (counts[k][static_cast<size_t>(c)] > 0)
                envs[k].classes.push_back(c);
    }
    if (counts.size() < envs.size())
        envs.resize(counts.empty() ? envs.size() : counts.size());
    player_->clear();
    phase_.reset();
    training_.clear();
    lanePrefix_.clear();
    baseline_ = config.baseline;
    counts_ = counts;
    const QString method = QString::fromStdString(config.method);
    QString plan = tr("What Start does: every environment trains on its own images only (%1 split); their "
                      "weights meet in the middle and are merged with %2; the merged model is tested on the "
                      "test images and copied back to every environment; and again, up to %n round(s).",
                      nullptr, config.rounds)
                       .arg(QString::fromStdString(config.split.kind), method);
    if (sends_statistics(method))
        plan += QLatin1Char(' ') + tr("After each merge the environments also send, per class, the mean and "
                                      "covariance of the merged model's features on their images, and the "
                                      "server retrains the last layer on samples drawn from them.");
    if (config.baseline)
        plan +=
            QLatin1Char(' ') + tr("One central model trains on all the data in one place, for comparison.");
    setEnvironments(envs, method);
    setCaption(plan);
    update();
}

void FlowView::setBaseline(bool baseline) {
    baseline_ = baseline;
    update();
}

void FlowView::setEnvironmentStatus(const EnvironmentStatus& status) {
    processes_[status.env] = tr("process %1").arg(QString::fromStdString(name_of(status.state)));
    update();
}

QString FlowView::caption() const {
    return caption_;
}

std::vector<QRectF> FlowView::environmentBoxes() const {
    return computeGeometry().boxes;
}

QString FlowView::envClassesText(int env) const {
    if (env < 0 || env >= static_cast<int>(envs_.size()))
        return {};
    const auto& classes = envs_[static_cast<size_t>(env)].classes;
    if (classes.empty() || static_cast<int>(classes.size()) == class_count())
        return tr("all %1 classes").arg(class_count());
    return classes.size() == 1 ? tr("class %1").arg(classes.front())
                               : tr("classes %1").arg(class_range(classes));
}

QString FlowView::phaseCaption(const PhaseChanged& phase) const {
    const QString round = tr("Round %1").arg(phase.round);
    const QString method = phase.method.empty() ? primary_ : QString::fromStdString(phase.method);
    const QString tests =
        data_ ? tr("%1 test images").arg(grouped(data_->test.size())) : tr("the test images");
    switch (phase.phase) {
    case Phase::Training: {
        const QString classes = envClassesText(phase.env);
        return classes.isEmpty()
                   ? tr("%1: %2 trains on its own data only").arg(round, env_label(phase.env))
                   : tr("%1: %2 trains on its own data only (%3)").arg(round, env_label(phase.env), classes);
    }
    case Phase::Baseline:
        return tr("%1: for comparison, one central model trains on all environments' data in one place "
                  "(what merging tries to match without sharing data)")
            .arg(round);
    case Phase::Merging:
        return tr("%1: merging weights element by element with %2; no images leave the environments")
            .arg(round, method);
    case Phase::Evaluating:
        return tr("%1: testing the merged model (%2) on %3").arg(round, method, tests);
    case Phase::CopyingBack:
        return tr("%1: copying the merged model (%2) back to every environment").arg(round, method);
    case Phase::Saving:
        return tr("%1: saving the models and the results to disk").arg(round);
    }
    return round;
}

void FlowView::drawMergeNode(QPainter& p, const Geometry& g, bool lit, const QColor& color,
                             const QString& verb, const QString& method) const {
    if (lit) {
        for (int i = 6; i >= 1; --i) {
            QColor c = color;
            c.setAlpha(22 + (6 - i) * 14);
            p.setPen(QPen(c, 2.2));
            p.drawEllipse(g.merge, g.radius + i * 1.8, g.radius + i * 1.8);
        }
    }
    p.setPen(QPen(lit ? color.darker(120) : QColor(80, 80, 80), lit ? 3 : 2));
    p.setBrush(lit ? color : QColor(245, 245, 245));
    p.drawEllipse(g.merge, g.radius, g.radius);
    p.setBrush(Qt::NoBrush);
    const double nf = std::clamp(g.radius * 0.36, 7.0, g.font * 1.2);
    const QColor nodeText = lit && luminance(color) < 0.6 ? Qt::white : QColor(25, 25, 25);
    const QFont nodeFont = pixel_font(font(), nf, true);
    const QFontMetricsF nfm(nodeFont);
    p.setPen(nodeText);
    p.setFont(nodeFont);
    const QRectF nodeBox(g.merge.x() - g.radius, g.merge.y() - g.radius, 2 * g.radius, 2 * g.radius);
    p.drawText(QRectF(nodeBox.left(), g.merge.y() - nfm.height(), nodeBox.width(), nfm.height()),
               Qt::AlignHCenter | Qt::AlignBottom, verb);
    // Below the centre, each line within the circle's chord at its lower
    // edge: a long strategy ("avg+vimages@ccvr:copy=1") takes a line per
    // part, and the font shrinks until every line fits.
    const QString text = QStringLiteral("(%1)").arg(method);
    const auto fits = [&](const QStringList& lines, const QFont& f) {
        const QFontMetricsF m(f);
        for (int i = 0; i < lines.size(); ++i) {
            const double below = (i + 1) * m.height();
            if (below >= g.radius)
                return false;
            if (m.horizontalAdvance(lines[i]) > 1.9 * std::sqrt(g.radius * g.radius - below * below))
                return false;
        }
        return true;
    };
    QStringList lines{text};
    QFont methodFont = pixel_font(font(), nf * 0.9);
    if (!fits(lines, methodFont))
        lines = strategyLines(text);
    for (double size = nf * 0.9; size > 6 && !fits(lines, methodFont);) {
        size *= 0.9;
        methodFont = pixel_font(font(), size);
    }
    p.setFont(methodFont);
    const double lineHeight = QFontMetricsF(methodFont).height();
    for (int i = 0; i < lines.size(); ++i)
        p.drawText(QRectF(nodeBox.left(), g.merge.y() + i * lineHeight, nodeBox.width(), lineHeight),
                   Qt::AlignHCenter | Qt::AlignTop, lines[i]);
}

void FlowView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const Geometry g = computeGeometry();
    const int n = static_cast<int>(envs_.size());

    // Idle reads as "no phase": nothing lit.
    const bool active = phase_.has_value();
    const Phase now = active ? phase_->phase : Phase::Saving;
    auto is = [&](Phase which) { return active && now == which; };
    const bool training = is(Phase::Training) || is(Phase::Baseline);
    auto busy = [&](int k) { return training && training_.count(k) > 0; };
    // One colour for the caption's accent: the last to start.
    const int activeEnv = is(Phase::Training) ? phase_->env : -1;
    const QString method = active && !phase_->method.empty() && (is(Phase::Merging) || is(Phase::Evaluating))
                               ? QString::fromStdString(phase_->method)
                               : primary_;
    const QColor methodColor = method_color(method);
    const bool nodeLit = is(Phase::Merging) || is(Phase::Evaluating);
    const bool outLit = is(Phase::Merging);
    const bool backLit = is(Phase::CopyingBack);

    if (n > 0) {
        // Arrows first, so boxes and the node sit on top of their ends.
        drawArrows(p, g, outLit, backLit, training, methodColor);

        drawMergeNode(p, g, nodeLit, methodColor, is(Phase::Evaluating) ? tr("Test") : tr("Merge"), method);

        for (int k = 0; k < n; ++k) {
            // A lesson's training step is every environment's.
            const bool lit = busy(k) || (lesson_ && is(Phase::Training));
            const bool dimmed = training && !training_.empty() && *training_.rbegin() >= 0 && !lit;
            drawEnvBox(p, g.boxes[static_cast<size_t>(k)], k, lit, dimmed, g.font);
        }
        if (baseline_ && !g.baseline.isNull())
            drawBaselineBox(p, g.baseline, busy(-1), g.font);
        if (!counts_.empty() && g.legend.height() > 0)
            draw_class_legend(p, g.legend, font());
        drawLessonBadges(p, g.boxes, g.merge, g.radius, g.font);
    }

    // The caption band: what is happening now, in words.
    const QRectF band = n > 0 ? g.caption : QRectF(rect()).adjusted(20, 20, -20, -20);
    QColor accent = QColor(170, 170, 170);
    if (activeEnv >= 0)
        accent = env_color(activeEnv);
    else if (is(Phase::Baseline))
        accent = central_color();
    else if (is(Phase::Merging) || is(Phase::Evaluating) || is(Phase::CopyingBack))
        accent = methodColor;
    if (n > 0) {
        p.setPen(QPen(QColor(210, 210, 210), 1));
        p.setBrush(QColor(246, 246, 246));
        p.drawRoundedRect(band, 8, 8);
        p.setPen(Qt::NoPen);
        p.setBrush(accent);
        p.drawRoundedRect(QRectF(band.left(), band.top(), std::max(6.0, g.font * 0.5), band.height()), 3, 3);
        p.setBrush(Qt::NoBrush);
    }
    const QRectF textBox = band.adjusted(g.font * 1.2, 2, -g.font * 0.8, -2);
    if (lesson_ && n > 0) {
        drawLessonCaption(p, textBox, lessonPx(g.font));
        return;
    }
    double cf = n > 0 ? g.font * 1.3
                      : std::clamp(std::min(width() / 40.0, height() / 22.0) * zoom(), 11.0, 26.0 * zoom());
    for (; cf > 8; cf -= 0.5) {
        const QFontMetricsF fm(pixel_font(font(), cf, active));
        if (fm.boundingRect(QRectF(0, 0, textBox.width(), 1e6), Qt::TextWordWrap, caption_).height() <=
            textBox.height())
            break;
    }
    p.setFont(pixel_font(font(), cf, active));
    p.setPen(QColor(25, 25, 25));
    p.drawText(textBox, Qt::AlignCenter | Qt::TextWordWrap, caption_);
}

} // namespace mergelab::ui
