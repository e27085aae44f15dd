// The presets: named starting points for the settings (experiment.h).
#include <algorithm>

#include "mergelab/experiment.h"
#include "mergelab/i18n.h"
#include "mergelab/settings.h"
#include "mergelab/split.h"

namespace mergelab {

namespace {

// The three built-in presets differ only in split, data share, rounds and
// local epochs; all compare the paper's methods beside a central baseline.
Preset paper_style(const char* name, const char* label, const char* description, const char* reference,
                   const char* split, double train_fraction, int rounds, int local_epochs) {
    Preset p;
    p.name = name, p.label = label, p.description = description, p.reference = reference;
    p.apply = [=](ExperimentConfig& c) {
        c.compare = {"avg", "max", "absmax"};
        c.baseline = true;
        c.split.kind = split;
        c.split.train_fraction = train_fraction;
        c.rounds = rounds;
        c.local_epochs = local_epochs;
    };
    return p;
}

// The H experiment's budget (6 local epochs per environment) spent in
// 60 rounds of 42 batches (0.1 epoch), one lane per strategy: where
// merging more often, a server optimizer or a local rule helps (README).
Preset strategies_on_h() {
    Preset p;
    p.name = "H-strategies";
    p.label = QT_TRANSLATE_NOOP("mergelab", "H: which strategy wins?");
    p.description = QT_TRANSLATE_NOOP(
        "mergelab",
        "lanes of avg, FedProx, FedAdam, FedAvgM and TIES on the H split, 60 rounds of 0.1 epoch: "
        "about 20 minutes on 2 cores");
    p.apply = [](ExperimentConfig& c) {
        c.split.kind = "H";
        c.mode = Mode::Lanes;
        c.lanes = {"avg", "avg+fedprox:mu=0.01", "fedadam", "fedavgm", "ties"};
        c.compare = {"avg"};
        c.rounds = 60;
        c.local_steps = 42;
    };
    return p;
}

// The same H budget, avg against the best strategy found for H: virtual
// images of the missing classes in local training, then avg with fc1 and
// fc2 calibrated every round and copied back (docs/results.md), over three
// seeds so that the bands show what is real.
Preset closing_the_gap_on_h() {
    Preset p;
    p.name = "H-gap";
    p.label = QT_TRANSLATE_NOOP("mergelab", "H: closing the gap");
    p.description = QT_TRANSLATE_NOOP(
        "mergelab",
        "lanes of avg and of avg trained with virtual images of the missing classes, its last two layers "
        "calibrated (CCVR), on the H split, 60 rounds of 0.1 epoch, 3 seeds: bands over the seeds and "
        "accuracy against the bytes sent; about 15 minutes on 2 cores");
    p.reference = "Luo et al., No Fear of Heterogeneity: Classifier Calibration for Federated Learning "
                  "with Non-IID Data (CCVR), NeurIPS 2021; virtual images: docs/methods.md";
    p.apply = [](ExperimentConfig& c) {
        c.split.kind = "H";
        c.mode = Mode::Lanes;
        c.lanes = {"avg", "avg+vimages@ccvr:copy=1,layers=2"};
        c.compare = {"avg"};
        c.rounds = 60;
        c.local_steps = 42;
        c.repeats = 3;
        // The per-round path between the environments is a third of these
        // rounds' evaluation and nothing this preset shows.
        c.path_images = 0;
    };
    return p;
}

std::vector<Preset> builtin_presets() {
    const char* paper = "Lee et al., Integration of neural network models trained in different environments";
    return {
        // 12 %: about 3,200 training images per environment.
        paper_style(
            "quick", QT_TRANSLATE_NOOP("mergelab", "Quick demo"),
            QT_TRANSLATE_NOOP("mergelab", "V split on 12 % of the data, 4 rounds: about a minute on 2 cores"),
            "", "V", 0.12, 4, 1),
        paper_style(
            "V", QT_TRANSLATE_NOOP("mergelab", "Paper: V-environment"),
            QT_TRANSLATE_NOOP(
                "mergelab",
                "the paper's V experiment: 2 environments with all classes, 6 rounds of 3 local epochs"),
            paper, "V", 1.0, 6, 3),
        paper_style("H", QT_TRANSLATE_NOOP("mergelab", "Paper: H-environment"),
                    QT_TRANSLATE_NOOP("mergelab", "the paper's H experiment: classes 0-4 and 5-9 in two "
                                                  "environments, 6 rounds of 1 local epoch"),
                    paper, "H", 1.0, 6, 1),
        strategies_on_h(),
        closing_the_gap_on_h(),
    };
}

std::vector<Preset>& preset_registry() {
    static std::vector<Preset> registry = builtin_presets();
    return registry;
}

// What a preset decides, as text: every setting but where the run reads
// and writes and how many threads it uses.
std::string preset_relevant_settings(ExperimentConfig c) {
    // The same split written two ways is the same preset: "default classes"
    // and the default assignment spelled out (as the app's field shows it).
    const SplitKind* kind = find_split(c.split.kind);
    if (kind && kind->uses_classes && c.split.classes.empty())
        c.split.classes = default_class_assignment(c.split.envs);
    // Each lane compares its own strategy only: the run's list of compared
    // methods means nothing in lanes mode, the lanes nothing in compare mode.
    if (c.mode == Mode::Lanes)
        c.compare.clear();
    else
        c.lanes.clear();
    std::string out;
    for (const auto& d : settings())
        if (d.key != "data" && d.key != "threads" && d.key != "init_from")
            out += d.key + "=" + format_setting(d, d.get(c)) + "\n";
    return out;
}

} // namespace

const std::vector<Preset>& presets() {
    return preset_registry();
}

void register_preset(Preset preset) {
    add_entry(preset_registry(), std::move(preset));
}

const Preset* find_preset(const std::string& name) {
    return find_entry(presets(), name);
}

ExperimentConfig preset(const std::string& name) {
    const Preset* p = find_preset(name);
    if (!p) {
        std::string known;
        for (const auto& n : preset_names())
            known += (known.empty() ? "" : ", ") + n;
        throw UsageError("unknown preset '" + name + "' (known: " + known + ")");
    }
    ExperimentConfig c;
    p->apply(c);
    return c;
}

std::vector<std::string> preset_names() {
    return entry_names(presets());
}

std::string matching_preset(const ExperimentConfig& config) {
    const std::string wanted = preset_relevant_settings(config);
    for (const auto& p : presets())
        if (preset_relevant_settings(preset(p.name)) == wanted)
            return p.name;
    return "";
}

} // namespace mergelab
