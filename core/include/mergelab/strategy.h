#pragma once
// How a run learns, as text a person types: a merge method with its
// parameters ("ties:density=0.2"), a local training rule ("fedprox:mu=0.01")
// and the two together as a strategy ("avg+fedprox:mu=0.01"), the unit a
// lanes run compares, optionally followed by a step after the merge
// ("avg+fedprox:mu=0.01@ccvr:every=5"). The rules and the steps are
// registry entries like the methods.
#include <string>
#include <vector>

#include "mergelab/registry.h"

namespace mergelab {

// How environments train locally; one rule per run. The training side lives
// in the core (trainer.h); this is what people see.
struct LocalRule : RegistryEntry {
    // Its environments need, before round 1, the pooled Gaussians of the
    // images of the classes they lack (vimages).
    bool needs_class_images = false;
};

const std::vector<LocalRule>& local_rules();
std::vector<std::string> local_rule_names();
// nullptr if unknown.
const LocalRule* find_local_rule(const std::string& name);

// A step that runs on the server after the merge, written as the
// strategy's suffix "@NAME[:key=value,...]". Its parameters say when it runs
// and whether its model is copied back (see CalibrationPlan).
struct CalibrationStepEntry : RegistryEntry {};

const std::vector<CalibrationStepEntry>& calibration_steps();
// nullptr if unknown.
const CalibrationStepEntry* find_calibration_step(const std::string& name);

// A registry entry's name with parameter values: "ties:density=0.2".
struct Choice {
    std::string name;
    ParamValues params;
};

struct Strategy {
    Choice method;
    Choice rule{"plain", {}};
    bool rule_given = false; // "+RULE" was written (else the run's --rule applies)
    Choice calibration;      // "@ccvr:...": name empty when none was written
    bool calibrated() const { return !calibration.name.empty(); }
    // The strategy without its suffix ("avg+fedprox:mu=0.01").
    std::string plain;
};

// A calibration suffix's parameters, resolved.
// Training images per class an environment's feature statistics are taken
// from by default: a twelfth of a Fashion-MNIST class, so the forward passes
// for the statistics stay small beside a round's training
// (docs/results.md compares the accuracy with all images).
constexpr int kCalibrationImages = 500;

struct CalibrationPlan {
    int every = 1;         // in rounds every, 2 every, ... (and the run's last round)
    bool only_end = false; // only in the run's last round
    int per_class = 500;   // virtual features per class
    bool copy = false;     // the calibrated model is copied back (else only evaluated)
    // The statistics come from each environment's trained local model,
    // sent with its weights; else from the merged model, which takes a
    // second exchange (the model down, its statistics up).
    bool local = false;
    // At most this many of each class's training images, the first in the
    // environment's order, give its statistics; 0: all.
    int images = kCalibrationImages;
    // 1: fc2 retrained on the penultimate features' Gaussians; 2: fc1 and
    // fc2 on fc1's inputs' Gaussians, sent in the low-rank form of `rank`
    // columns (statistics.h).
    int layers = 1;
    int rank = 32;
    // Whether the step runs in `round` of a run of `rounds` rounds.
    bool runs_in(int round, int rounds) const { return round == rounds || (!only_end && round % every == 0); }
};
CalibrationPlan calibration_plan(const Choice& calibration);

// Each throws UsageError whose message starts with `text` and says what is
// wrong: an unknown name, a parameter the entry does not take, a value out
// of its declared range, or bad syntax.
Choice parse_method_choice(const std::string& text);
Choice parse_rule_choice(const std::string& text);
// METHOD[+RULE][:key=value,...][@STEP[:key=value,...]]; each key before
// the '@' goes to the method when it takes it, otherwise to the rule.
Strategy parse_strategy(const std::string& text);
// Its text again, parameters in key order: parse_strategy(format_strategy(s))
// gives s.
std::string format_strategy(const Strategy& strategy);

// The text form again: name, then ":key=value,..." in key order.
std::string format_choice(const Choice& choice);
// Parameters as the CLI's --param and the app's widgets write them.
std::string format_params(const ParamValues& params);

} // namespace mergelab
