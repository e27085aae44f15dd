#include "lesson.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

#include <algorithm>

#include "class_names.h"
#include "i18n.h"
#include "mergelab/merge.h"

namespace mergelab::ui {
namespace {

// One translation context for every caption, live or replayed.
struct Captions {
    Q_DECLARE_TR_FUNCTIONS(mergelab::ui::LessonGuide)
public:
    static QString method(const std::string& method);
    static QString classes(const std::vector<int>& classes);
    static QString list(const QStringList& items);
    static QString training(const StepFinished& s, const RunResult& run);
    static QStringList others(const StepFinished& s);
    static QString percent(double fraction);
    static LessonStep describe(const StepFinished& s, const RunResult& run, bool last);
};

// "Average (avg)": the registry's name for people, and the name the
// charts' legends use, so the room can find it there.
QString Captions::method(const std::string& strategy) {
    const MergeMethod* m = find_merge_method(strategy.substr(0, strategy.find(':')));
    const QString raw = QString::fromStdString(strategy);
    if (!m || m->label.empty())
        return raw;
    // An English label inside a Korean sentence reads worse than the bare
    // name the charts use.
    const QString label = coreText(m->label);
    if (currentLanguage() != QLatin1String("en") && label == QString::fromStdString(m->label))
        return raw;
    return QStringLiteral("%1 (%2)").arg(label, raw);
}

// "0-4", "0, 2, 4": as the Flow boxes write an environment's classes.
QString Captions::classes(const std::vector<int>& classes) {
    if (classes.empty() || static_cast<int>(classes.size()) >= class_count())
        return {};
    if (classes.size() == 1)
        return tr("class %1").arg(classes.front());
    bool contiguous = classes.size() > 2;
    for (size_t i = 1; i < classes.size(); ++i)
        contiguous = contiguous && classes[i] == classes[i - 1] + 1;
    QStringList parts;
    for (int c : classes)
        parts << QLocale().toString(c);
    const QString list = contiguous ? QStringLiteral("%1-%2").arg(classes.front()).arg(classes.back())
                                    : parts.join(QStringLiteral(", "));
    return tr("classes %1").arg(list);
}

// "a, b and c" in the UI language.
QString Captions::list(const QStringList& items) {
    if (items.size() <= 1)
        return items.value(0);
    return tr("%1 and %2").arg(items.mid(0, items.size() - 1).join(QStringLiteral(", ")), items.back());
}

std::optional<double> merged_acc(const StepFinished& s, const std::string& wanted) {
    for (const auto& [name, acc] : s.merged_test_acc)
        if (name == wanted)
            return acc;
    return std::nullopt;
}

QString Captions::training(const StepFinished& s, const RunResult& run) {
    const int n = static_cast<int>(s.env_val_acc.size());
    QStringList items;
    if (n <= 4) {
        for (int k = 0; k < n; ++k) {
            QString item = tr("environment %1 reached %2").arg(k + 1).arg(percent(s.env_val_acc[size_t(k)]));
            const QString own =
                k < static_cast<int>(run.envs.size()) ? classes(run.envs[size_t(k)].classes) : QString();
            if (!own.isEmpty())
                item += QStringLiteral(" (%1)").arg(own);
            items << item;
        }
        return tr("Each environment trained on its own images only. On its own validation data, %1.")
            .arg(list(items));
    }
    // Many environments: a compact list still fits the caption.
    for (int k = 0; k < n; ++k)
        items << tr("%1: %2").arg(k + 1).arg(percent(s.env_val_acc[size_t(k)]));
    return tr("Each environment trained on its own images only. Accuracy of each on its own validation data: "
              "%1.")
        .arg(items.join(QStringLiteral(", ")));
}

QStringList Captions::others(const StepFinished& s) {
    QStringList out;
    for (const auto& [name, acc] : s.merged_test_acc)
        if (name != s.primary)
            out << tr("%1: %2").arg(method(name), percent(acc));
    return out;
}

QString Captions::percent(double fraction) {
    return tr("%1 %").arg(QLocale().toString(fraction * 100.0, 'f', 1));
}

LessonStep Captions::describe(const StepFinished& s, const RunResult& run, bool last) {
    LessonStep out;
    out.step = s;
    const QString name = method(s.primary);
    const std::optional<double> primaryAcc = merged_acc(s, s.primary);
    const QString acc = primaryAcc ? percent(*primaryAcc) : QStringLiteral("–");
    switch (s.step) {
    case Phase::Training:
        out.title = tr("Round %1 · step 1 of 4: local training").arg(s.round);
        out.text = training(s, run);
        break;
    case Phase::Merging: {
        out.title = tr("Round %1 · step 2 of 4: merging").arg(s.round);
        const int n = static_cast<int>(s.env_val_acc.size());
        // Never fewer than two environments: no plural form needed.
        out.text = tr("%1 combined the %2 environments' weights element by element into one model. Only "
                      "weights travelled; no image left its environment.")
                       .arg(name)
                       .arg(n);
        // The methods compared are merged from the same local models; which
        // ones is known from the previous round's test, or from the setup.
        QStringList others;
        for (const std::string& m : evaluated_methods(run.config))
            if (m != s.primary)
                others << method(m);
        if (!others.isEmpty())
            out.text += tr(" For comparison, the same models were also merged with %1.").arg(list(others));
        break;
    }
    case Phase::Evaluating: {
        out.title = tr("Round %1 · step 3 of 4: testing the merged model").arg(s.round);
        out.text =
            tr("The merged model, %1, reaches %2 on the test images of all ten classes.").arg(name, acc);
        const QStringList compared = others(s);
        if (!compared.isEmpty())
            out.text += tr(" For comparison: %1.").arg(compared.join(QStringLiteral(", ")));
        break;
    }
    case Phase::CopyingBack:
        out.title = tr("Round %1 · step 4 of 4: copying back").arg(s.round);
        out.text =
            last ? tr("Every environment now holds the merged model (%1, %2 on the test images). That was "
                      "the last round.")
                       .arg(name, acc)
                 : tr("Every environment now holds the merged model (%1, %2 on the test images) and starts "
                      "round %3 from it.")
                       .arg(name, acc)
                       .arg(s.round + 1);
        break;
    default:
        out.title = tr("Round %1").arg(s.round);
        break;
    }
    return out;
}

} // namespace

QString lesson_percent(double fraction) {
    return Captions::percent(fraction);
}

LessonStep describe_step(const StepFinished& s, const RunResult& run, bool last) {
    return Captions::describe(s, run, last);
}

std::vector<StepFinished> lesson_steps(const RunResult& run) {
    std::vector<StepFinished> out;
    for (const RoundResult& r : run.rounds) {
        StepFinished s;
        s.lane = run.lane;
        s.round = r.round;
        s.primary = r.primary.empty() ? run.config.method : r.primary;
        for (const EnvRoundMetrics& e : r.envs)
            s.env_val_acc.push_back(e.val_acc);
        for (Phase step : {Phase::Training, Phase::Merging}) {
            s.step = step;
            out.push_back(s);
        }
        // The primary first, as the engine evaluates it (run.json keeps the
        // methods by name).
        std::vector<std::pair<std::string, double>> merged;
        if (const MethodMetrics* m = r.method(s.primary))
            merged.emplace_back(m->method, m->test_acc);
        for (const MethodMetrics& m : r.merged)
            if (m.method != s.primary)
                merged.emplace_back(m.method, m.test_acc);
        s.merged_test_acc = merged;
        for (Phase step : {Phase::Evaluating, Phase::CopyingBack}) {
            s.step = step;
            out.push_back(s);
        }
    }
    return out;
}

LessonGuide::LessonGuide(QObject* parent)
    : QObject(parent) {}

void LessonGuide::setMode(Mode mode) {
    if (mode == mode_)
        return;
    mode_ = mode;
    emit modeChanged(mode);
}

void LessonGuide::show(LessonStep step) {
    current_ = std::move(step);
    emit shown(*current_);
}

void LessonGuide::beginLive() {
    end();
    setMode(Mode::Live);
}

void LessonGuide::liveStopped(const StepFinished& step, const RunResult& run) {
    if (mode_ != Mode::Live)
        return;
    show(describe_step(step, run, step.round >= run.config.rounds));
}

void LessonGuide::liveContinued() {
    if (mode_ != Mode::Live || !current_)
        return;
    current_.reset();
    emit cleared();
}

bool LessonGuide::beginReplay(RunPtr run) {
    end();
    if (!run)
        return false;
    std::vector<StepFinished> steps = lesson_steps(*run);
    if (steps.empty())
        return false;
    replay_ = std::move(run);
    steps_ = std::move(steps);
    position_ = 0;
    setMode(Mode::Replay);
    show(describe_step(steps_.front(), *replay_, steps_.size() <= 4));
    return true;
}

void LessonGuide::end() {
    const bool had = current_.has_value();
    current_.reset();
    replay_.reset();
    steps_.clear();
    position_ = -1;
    if (had)
        emit cleared();
    setMode(Mode::Off);
}

void LessonGuide::next() {
    if (mode_ == Mode::Live) {
        if (current_)
            emit continueRequested();
        return;
    }
    if (mode_ != Mode::Replay)
        return;
    ++position_;
    if (position_ >= static_cast<int>(steps_.size())) {
        end();
        emit replayFinished();
        return;
    }
    const StepFinished& s = steps_[size_t(position_)];
    show(describe_step(s, *replay_, s.round == replay_->rounds.back().round));
}

} // namespace mergelab::ui
