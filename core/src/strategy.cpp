#include "mergelab/strategy.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "mergelab/error.h"
#include "mergelab/i18n.h"
#include "mergelab/merge.h"

namespace mergelab {
namespace {

std::vector<LocalRule> builtin_rules() {
    LocalRule plain;
    plain.name = "plain";
    plain.label = QT_TRANSLATE_NOOP("mergelab", "Plain");
    plain.description = QT_TRANSLATE_NOOP(
        "mergelab", "each environment minimises its own loss only (the paper's local training)");
    LocalRule prox;
    prox.name = "fedprox";
    prox.label = "FedProx";
    prox.description = QT_TRANSLATE_NOOP(
        "mergelab", "adds mu/2 ||w - w_round_start||^2 to the local loss, so local models drift less apart");
    prox.reference = "Li et al., Federated Optimization in Heterogeneous Networks (FedProx), MLSys 2020";
    prox.params = {
        param("mu", QT_TRANSLATE_NOOP("mergelab", "Proximal weight"),
              QT_TRANSLATE_NOOP("mergelab", "strength of the pull towards the round's starting model"), 0.01,
              0, 10)};
    LocalRule scaffold;
    scaffold.name = "scaffold";
    scaffold.label = "SCAFFOLD";
    scaffold.description = QT_TRANSLATE_NOOP(
        "mergelab", "control variates: every local gradient is corrected by (server - own) estimate of "
                    "the drift (option II, every environment every round)");
    scaffold.reference =
        "Karimireddy et al., SCAFFOLD: Stochastic Controlled Averaging for Federated Learning, "
        "ICML 2020";
    LocalRule rs;
    rs.name = "fedrs";
    rs.label = "FedRS";
    rs.description = QT_TRANSLATE_NOOP(
        "mergelab",
        "restricted softmax: while an environment trains, the logits of classes it holds no image of "
        "are scaled by alpha, so it stops pushing them down (label skew, as in the H split)");
    rs.reference =
        "Li and Zhan, FedRS: Federated Learning with Restricted Softmax for Label Distribution Non-IID "
        "Data, KDD 2021";
    rs.params = {
        param("alpha", QT_TRANSLATE_NOOP("mergelab", "Scale of missing classes' logits"),
              QT_TRANSLATE_NOOP("mergelab", "1 is plain training; 0 leaves the classes an environment "
                                            "lacks out of its softmax"),
              0.5, 0, 1)};
    LocalRule vimages;
    vimages.name = "vimages";
    vimages.label = QT_TRANSLATE_NOOP("mergelab", "Virtual images");
    vimages.description = QT_TRANSLATE_NOOP(
        "mergelab",
        "before round 1 each environment sends the per-class count, mean and covariance of its own "
        "training images (pixels, not features); the server pools them and sends each environment the "
        "Gaussians of the classes it holds no image of. Every local step then adds weight x the "
        "cross-entropy on images drawn from those Gaussians, so no environment forgets the classes it "
        "lacks. Once per run; changes nothing where every environment holds every class (V)");
    vimages.reference =
        "MergeLab's own: CCVR's class Gaussians (Luo et al., NeurIPS 2021) taken on the images and used "
        "in local training, as FedMix (Yoon et al., ICLR 2021) shares mean images";
    vimages.needs_class_images = true;
    vimages.params = {
        param("weight", QT_TRANSLATE_NOOP("mergelab", "Weight of the virtual images"),
              QT_TRANSLATE_NOOP("mergelab", "their cross-entropy's weight beside the real batch's"), 1, 0,
              10),
        param("per_step", QT_TRANSLATE_NOOP("mergelab", "Virtual images per step"),
              QT_TRANSLATE_NOOP("mergelab", "images drawn in every local step, classes taken uniformly"), 64,
              1, 1024)};
    return {plain, prox, scaffold, rs, vimages};
}

std::vector<CalibrationStepEntry> builtin_steps() {
    CalibrationStepEntry ccvr;
    ccvr.name = "ccvr";
    ccvr.label = QT_TRANSLATE_NOOP("mergelab", "Classifier calibration (CCVR)");
    ccvr.description = QT_TRANSLATE_NOOP(
        "mergelab",
        "after the merge, the server sends the merged model to every environment, which returns the "
        "per-class count, mean and covariance of the model's penultimate features (fc1 after ReLU, on "
        "its own training data); the server pools them, samples virtual features from those Gaussians "
        "and retrains only fc2 on them (with layers=2: fc1 and fc2 on fc1's inputs)");
    ccvr.reference =
        "Luo et al., No Fear of Heterogeneity: Classifier Calibration for Federated Learning with "
        "Non-IID Data (CCVR), NeurIPS 2021";
    ccvr.params = {
        param("every", QT_TRANSLATE_NOOP("mergelab", "Every k rounds"),
              QT_TRANSLATE_NOOP("mergelab", "calibrates in rounds k, 2k, ... and in the run's last round"), 1,
              1, 1000),
        param("end", QT_TRANSLATE_NOOP("mergelab", "Only at the end"),
              QT_TRANSLATE_NOOP("mergelab", "1: calibrates only in the run's last round"), 0, 0, 1),
        param("per_class", QT_TRANSLATE_NOOP("mergelab", "Virtual features per class"),
              QT_TRANSLATE_NOOP("mergelab", "features drawn from each class's Gaussian to retrain fc2"), 500,
              1, 10000),
        param("copy", QT_TRANSLATE_NOOP("mergelab", "Copy back"),
              QT_TRANSLATE_NOOP("mergelab", "1: the calibrated model is copied back to the environments; 0: "
                                            "it is only evaluated beside the plain merge, which is copied "
                                            "back"),
              0, 0, 1),
        param("local", QT_TRANSLATE_NOOP("mergelab", "Local features"),
              QT_TRANSLATE_NOOP("mergelab", "1: the statistics are of each environment's own trained model, "
                                            "sent with its weights (no second exchange, but features the "
                                            "merged model does not compute); 0: of the merged model"),
              0, 0, 1),
        param("images", QT_TRANSLATE_NOOP("mergelab", "Images per class"),
              QT_TRANSLATE_NOOP("mergelab", "each environment takes its statistics from at most this many "
                                            "of its training images of each class, the first in its own "
                                            "order; 0: all of them"),
              kCalibrationImages, 0, 1000000),
        param("layers", QT_TRANSLATE_NOOP("mergelab", "Layers retrained"),
              QT_TRANSLATE_NOOP("mergelab", "1: fc2 on the penultimate features; 2: fc1 and fc2 together on "
                                            "fc1's inputs (for the CNN its 1,600 convolutional features), "
                                            "whose covariances travel in a low-rank form"),
              1, 1, 2),
        param("rank", QT_TRANSLATE_NOOP("mergelab", "Rank"),
              QT_TRANSLATE_NOOP("mergelab", "with layers=2: the principal directions each environment sends "
                                            "per class; the other directions share one variance"),
              32, 1, 256)};
    return {ccvr};
}

std::string names_of(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

// "k=v,k2=v2" -> values; the keys' owners are checked by the caller.
ParamValues parse_params(const std::string& text, const std::string& whole) {
    ParamValues values;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
            throw UsageError(whole + ": '" + item + "' is not key=value");
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(value.c_str(), &end);
        if (*end != '\0' || errno == ERANGE || !std::isfinite(v))
            throw UsageError(whole + ": " + key + " must be a number, got '" + value + "'");
        if (!values.emplace(key, v).second)
            throw UsageError(whole + ": " + key + " is given twice");
    }
    return values;
}

bool takes(const RegistryEntry& entry, const std::string& key) {
    for (const auto& p : entry.params)
        if (p.key == key)
            return true;
    return false;
}

const RegistryEntry& method_entry(const std::string& name, const std::string& whole) {
    if (const auto* m = find_merge_method(name))
        return *m;
    throw UsageError(whole + ": unknown merge method '" + name +
                     "' (known: " + names_of(merge_method_names()) + ")");
}

const RegistryEntry& rule_entry(const std::string& name, const std::string& whole) {
    if (const auto* r = find_local_rule(name))
        return *r;
    throw UsageError(whole + ": unknown local rule '" + name + "' (known: " + names_of(local_rule_names()) +
                     ")");
}

const RegistryEntry& step_entry(const std::string& name, const std::string& whole) {
    if (const auto* s = find_calibration_step(name))
        return *s;
    throw UsageError(whole + ": unknown step after the merge '@" + name +
                     "' (known: " + names_of(entry_names(calibration_steps())) + ")");
}

Choice parse_choice(const std::string& text,
                    const RegistryEntry& (*entry)(const std::string&, const std::string&)) {
    const auto colon = text.find(':');
    Choice c{text.substr(0, colon), {}};
    const RegistryEntry& e = entry(c.name, text);
    if (colon != std::string::npos)
        c.params = parse_params(text.substr(colon + 1), text);
    check_params(e, c.params, text);
    return c;
}

} // namespace

const std::vector<LocalRule>& local_rules() {
    static const std::vector<LocalRule> rules = builtin_rules();
    return rules;
}

std::vector<std::string> local_rule_names() {
    return entry_names(local_rules());
}

const LocalRule* find_local_rule(const std::string& name) {
    return find_entry(local_rules(), name);
}

const std::vector<CalibrationStepEntry>& calibration_steps() {
    static const std::vector<CalibrationStepEntry> steps = builtin_steps();
    return steps;
}

const CalibrationStepEntry* find_calibration_step(const std::string& name) {
    return find_entry(calibration_steps(), name);
}

CalibrationPlan calibration_plan(const Choice& c) {
    const RegistryEntry& e = step_entry(c.name, c.name);
    CalibrationPlan plan;
    plan.every = int(param_value(e, c.params, "every"));
    plan.only_end = param_value(e, c.params, "end") != 0;
    plan.per_class = int(param_value(e, c.params, "per_class"));
    plan.copy = param_value(e, c.params, "copy") != 0;
    plan.local = param_value(e, c.params, "local") != 0;
    plan.images = int(param_value(e, c.params, "images"));
    plan.layers = int(param_value(e, c.params, "layers"));
    plan.rank = int(param_value(e, c.params, "rank"));
    return plan;
}

Choice parse_method_choice(const std::string& text) {
    return parse_choice(text, method_entry);
}

Choice parse_rule_choice(const std::string& text) {
    return parse_choice(text, rule_entry);
}

Strategy parse_strategy(const std::string& whole) {
    const auto at = whole.find('@');
    const std::string text = whole.substr(0, at);
    Strategy s;
    if (at != std::string::npos) {
        const std::string suffix = whole.substr(at + 1);
        if (suffix.empty() || suffix.find('@') != std::string::npos)
            throw UsageError(whole + ": write one step after the merge, as METHOD@STEP[:key=value,...]");
        const auto colon = suffix.find(':');
        s.calibration.name = suffix.substr(0, colon);
        const RegistryEntry& e = step_entry(s.calibration.name, whole);
        if (colon != std::string::npos)
            s.calibration.params = parse_params(suffix.substr(colon + 1), whole);
        check_params(e, s.calibration.params, whole);
        const auto given = [&](const char* key) { return s.calibration.params.count(key) > 0; };
        if (given("end") && s.calibration.params.at("end") != 0 && given("every"))
            throw UsageError(whole + ": give either every or end=1, not both");
        for (const char* flag : {"end", "copy"})
            if (given(flag) && s.calibration.params.at(flag) != 0 && s.calibration.params.at(flag) != 1)
                throw UsageError(whole + ": " + flag + " is 0 or 1");
        if (given("every") &&
            s.calibration.params.at("every") != std::floor(s.calibration.params.at("every")))
            throw UsageError(whole + ": every must be a whole number of rounds");
        for (const char* count : {"per_class", "images"})
            if (given(count) && s.calibration.params.at(count) != std::floor(s.calibration.params.at(count)))
                throw UsageError(whole + ": " + count + " must be a whole number");
    }
    const auto colon = text.find(':');
    const std::string head = text.substr(0, colon);
    const auto plus = head.find('+');
    s.method.name = head.substr(0, plus);
    const RegistryEntry& method = method_entry(s.method.name, whole);
    const RegistryEntry* rule = &rule_entry("plain", whole);
    if (plus != std::string::npos) {
        s.rule.name = head.substr(plus + 1);
        s.rule_given = true;
        rule = &rule_entry(s.rule.name, whole);
    }
    if (colon != std::string::npos) {
        for (const auto& [key, value] : parse_params(text.substr(colon + 1), whole)) {
            if (takes(method, key))
                s.method.params[key] = value;
            else if (takes(*rule, key))
                s.rule.params[key] = value;
            else
                throw UsageError(whole + ": neither " + method.name + " nor " + rule->name +
                                 " takes a parameter '" + key + "'");
        }
    }
    check_params(method, s.method.params, whole);
    check_params(*rule, s.rule.params, whole);
    s.plain = text;
    return s;
}

std::string format_strategy(const Strategy& s) {
    ParamValues both = s.method.params;
    both.insert(s.rule.params.begin(), s.rule.params.end());
    std::string out = s.method.name + (s.rule_given ? "+" + s.rule.name : "");
    if (!both.empty())
        out += ":" + format_params(both);
    if (s.calibrated())
        out += "@" + format_choice(s.calibration);
    return out;
}

std::string format_params(const ParamValues& params) {
    std::ostringstream out;
    out.precision(10);
    bool first = true;
    for (const auto& [key, value] : params) {
        out << (first ? "" : ",") << key << '=' << value;
        first = false;
    }
    return out.str();
}

std::string format_choice(const Choice& choice) {
    return choice.params.empty() ? choice.name : choice.name + ":" + format_params(choice.params);
}

} // namespace mergelab
