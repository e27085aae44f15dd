#include "mergelab/settings.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "mergelab/i18n.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/split.h"
#include "mergelab/strategy.h"

namespace mergelab {

namespace {

std::vector<std::string> names_of_mode() {
    return {name_of(Mode::Compare), name_of(Mode::Lanes)};
}
std::vector<std::string> names_of_optimizer() {
    return {name_of(Optimizer::Adam), name_of(Optimizer::Sgd)};
}
std::vector<std::string> names_of_init() {
    return {name_of(Init::Shared), name_of(Init::Independent)};
}

// A registry's entry as the label and description of a choice.
template <typename Entries> auto describe_from(const Entries& (*entries)()) {
    return [entries](const std::string& name) {
        for (const auto& e : entries())
            if (e.name == name)
                return std::make_pair(e.label.empty() ? e.name : e.label, e.description);
        return std::make_pair(name, std::string());
    };
}
std::pair<std::string, std::string> describe_optimizer(const std::string& name) {
    return {name == name_of(Optimizer::Sgd) ? QT_TRANSLATE_NOOP("mergelab", "SGD with momentum")
                                            : QT_TRANSLATE_NOOP("mergelab", "Adam"),
            ""};
}
std::pair<std::string, std::string> describe_init(const std::string& name) {
    return {name == name_of(Init::Shared) ? QT_TRANSLATE_NOOP("mergelab", "Shared: same initial weights")
                                          : QT_TRANSLATE_NOOP("mergelab", "Independent per environment"),
            ""};
}

// Conversions between a config field and its SettingValue, by field type.
SettingValue to_value(int v) {
    return int64_t(v);
}
SettingValue to_value(int64_t v) {
    return v;
}
SettingValue to_value(uint64_t v) {
    return int64_t(v);
}
SettingValue to_value(double v) {
    return v;
}
SettingValue to_value(bool v) {
    return v;
}
SettingValue to_value(const std::string& v) {
    return v;
}
SettingValue to_value(const std::vector<std::string>& v) {
    return v;
}
template <typename E> SettingValue to_value(E v) {
    return std::string(name_of(v));
}
void from_value(const SettingValue& v, int& out) {
    out = int(std::get<int64_t>(v));
}
void from_value(const SettingValue& v, int64_t& out) {
    out = std::get<int64_t>(v);
}
void from_value(const SettingValue& v, uint64_t& out) {
    out = uint64_t(std::get<int64_t>(v));
}
void from_value(const SettingValue& v, double& out) {
    out = std::get<double>(v);
}
void from_value(const SettingValue& v, bool& out) {
    out = std::get<bool>(v);
}
void from_value(const SettingValue& v, std::string& out) {
    out = std::get<std::string>(v);
}
void from_value(const SettingValue& v, std::vector<std::string>& out) {
    out = std::get<std::vector<std::string>>(v);
}
template <typename E> void from_value(const SettingValue& v, E& out) {
    parse_name(std::get<std::string>(v), out);
}

// One declaration, written as a chain so each setting reads as one sentence.
struct Declare {
    SettingDescriptor d;
    Declare(const char* key, const char* flag, const char* label, const char* help, SettingType type,
            const char* group) {
        d.key = key, d.flag = flag, d.label = label, d.help = help, d.type = type, d.group = group;
    }
    Declare& range(double lo, double hi) { return d.min = lo, d.max = hi, *this; }
    Declare& open_below() { return d.min_open = true, *this; }
    Declare& shown_as(double scale, const char* unit) {
        return d.display_scale = scale, d.unit = unit, *this;
    }
    Declare& widget(WidgetHint hint) { return d.widget = hint, *this; }
    Declare& when(const char* condition) { return d.applies_when = condition, *this; }
    Declare& choices(std::vector<std::string> (*list)()) { return d.choices = list, *this; }
    template <typename Describe> Declare& described(Describe describe) {
        return d.describe_choice = describe, *this;
    }
    Declare& min_means(const char* label) { return d.min_label = label, *this; }
    Declare& suggest(double value) { return d.suggested = value, *this; }
    template <typename Parse> Declare& items(Parse parse) {
        return d.check_item = [parse](const std::string& item) { parse(item); }, *this;
    }
    // `field(config)` is the config's member this setting stands for.
    template <typename Field> Declare& bind(Field field) {
        d.get = [field](const ExperimentConfig& c) {
            return to_value(field(const_cast<ExperimentConfig&>(c)));
        };
        d.set = [field](ExperimentConfig& c, const SettingValue& v) { from_value(v, field(c)); };
        return *this;
    }
};

std::vector<SettingDescriptor> declare_environments() {
    using T = SettingType;
    const char* box = "environments";
    // Below an alpha of 0.01 the gamma draws underflow for most classes:
    // the split would no longer mean what a small alpha means.
    Declare alpha("alpha", "--alpha", QT_TRANSLATE_NOOP("mergelab", "Alpha"),
                  QT_TRANSLATE_NOOP(
                      "mergelab", "Dirichlet concentration: small values give each environment few classes"),
                  T::Real, box);
    Declare classes("classes", "--classes", QT_TRANSLATE_NOOP("mergelab", "Classes"),
                    QT_TRANSLATE_NOOP(
                        "mergelab", "classes per environment, e.g. 0-4;5-9 (empty: even contiguous groups)"),
                    T::ClassGroups, box);
    classes.when("split=H");
    classes.d.get = [](const ExperimentConfig& c) {
        return SettingValue(format_class_assignment(c.split.classes));
    };
    classes.d.set = [](ExperimentConfig& c, const SettingValue& v) {
        const auto& text = std::get<std::string>(v);
        c.split.classes = text.empty() ? std::vector<std::vector<int>>{} : parse_class_assignment(text);
    };
    return {
        Declare("split", "--split", QT_TRANSLATE_NOOP("mergelab", "Split"),
                QT_TRANSLATE_NOOP("mergelab", "how the training data is divided among the environments"),
                T::Choice, box)
            .choices(split_names)
            .described(describe_from(split_kinds))
            .bind([](ExperimentConfig& c) -> std::string& { return c.split.kind; })
            .d,
        Declare("envs", "--envs", QT_TRANSLATE_NOOP("mergelab", "Environments"),
                QT_TRANSLATE_NOOP("mergelab", "number of environments"), T::Integer, box)
            .range(2, 10)
            .bind([](ExperimentConfig& c) -> int& { return c.split.envs; })
            .d,
        classes.d,
        alpha.range(0.01, 100)
            .widget(WidgetHint::LogSlider)
            .when("split=dirichlet")
            .bind([](ExperimentConfig& c) -> double& { return c.split.alpha; })
            .d,
        Declare(
            "val_fraction", "--val-fraction", QT_TRANSLATE_NOOP("mergelab", "Validation share"),
            QT_TRANSLATE_NOOP("mergelab", "share of each environment's data held out for its local accuracy"),
            T::Real, box)
            .range(0, 0.5)
            .open_below()
            .bind([](ExperimentConfig& c) -> double& { return c.split.val_fraction; })
            .d,
        Declare("train_limit", "--train-limit", QT_TRANSLATE_NOOP("mergelab", "Training images"),
                QT_TRANSLATE_NOOP("mergelab", "training images per environment (0: all)"), T::Integer, "")
            .range(0, 1000000)
            .bind([](ExperimentConfig& c) -> int64_t& { return c.split.train_limit; })
            .d,
        Declare(
            "train_fraction", "--train-fraction", QT_TRANSLATE_NOOP("mergelab", "Training data"),
            QT_TRANSLATE_NOOP("mergelab", "share of each environment's training images used; less is faster"),
            T::Real, box)
            .range(0.01, 1)
            .shown_as(100, "%")
            .bind([](ExperimentConfig& c) -> double& { return c.split.train_fraction; })
            .d,
    };
}

std::vector<SettingDescriptor> declare_merging() {
    using T = SettingType;
    const char* box = "merging";
    return {
        Declare("model", "--model", QT_TRANSLATE_NOOP("mergelab", "Model"),
                QT_TRANSLATE_NOOP("mergelab", "the network every environment trains"), T::Choice, box)
            .choices(architecture_names)
            .described(describe_from(architectures))
            .bind([](ExperimentConfig& c) -> std::string& { return c.model; })
            .d,
        Declare(
            "method", "--method", QT_TRANSLATE_NOOP("mergelab", "Primary method"),
            QT_TRANSLATE_NOOP(
                "mergelab",
                "the merged model that is copied back to every environment (METHOD[+RULE][:key=value,...])"),
            T::Choice, box)
            .choices(merge_method_names)
            .described(describe_from(merge_methods))
            .items(parse_strategy)
            .bind([](ExperimentConfig& c) -> std::string& { return c.method; })
            .d,
        Declare("compare", "--compare", QT_TRANSLATE_NOOP("mergelab", "Compare"),
                QT_TRANSLATE_NOOP("mergelab",
                                  "merge methods evaluated side by side each round on the same local models"),
                T::List, box)
            .choices(merge_method_names)
            .items(parse_strategy)
            .bind([](ExperimentConfig& c) -> std::vector<std::string>& { return c.compare; })
            .d,
        Declare("mode", "", QT_TRANSLATE_NOOP("mergelab", "Mode"),
                QT_TRANSLATE_NOOP(
                    "mergelab", "compare methods on the same local models, or run one experiment per method"),
                T::Choice, box)
            .choices(names_of_mode)
            .bind([](ExperimentConfig& c) -> Mode& { return c.mode; })
            .d,
        Declare("lanes", "--lanes", QT_TRANSLATE_NOOP("mergelab", "Lanes"),
                QT_TRANSLATE_NOOP("mergelab", "lanes mode: one full experiment per strategy "
                                              "METHOD[+RULE][:key=value,...], same seed and data"),
                T::List, box)
            .choices(merge_method_names)
            .items(parse_strategy)
            .when("mode=lanes")
            .bind([](ExperimentConfig& c) -> std::vector<std::string>& { return c.lanes; })
            .d,
        Declare("align", "--align", QT_TRANSLATE_NOOP("mergelab", "Align units"),
                QT_TRANSLATE_NOOP(
                    "mergelab",
                    "permute each environment's hidden units to match environment 1's before merging (weight "
                    "matching)"),
                T::Flag, box)
            .bind([](ExperimentConfig& c) -> bool& { return c.align; })
            .d,
        Declare("baseline", "--baseline", QT_TRANSLATE_NOOP("mergelab", "Centralised baseline"),
                QT_TRANSLATE_NOOP("mergelab", "also train one model on all environments' data (central)"),
                T::Flag, box)
            .bind([](ExperimentConfig& c) -> bool& { return c.baseline; })
            .d,
    };
}

std::vector<SettingDescriptor> declare_training() {
    using T = SettingType;
    const char* box = "training";
    return {
        Declare("rounds", "--rounds", QT_TRANSLATE_NOOP("mergelab", "Rounds (max)"),
                QT_TRANSLATE_NOOP("mergelab", "the round limit"), T::Integer, box)
            .range(1, 10000)
            .bind([](ExperimentConfig& c) -> int& { return c.rounds; })
            .d,
        Declare("local_epochs", "--local-epochs", QT_TRANSLATE_NOOP("mergelab", "Epochs per round"),
                QT_TRANSLATE_NOOP("mergelab", "local epochs per round (the maximum with a local target)"),
                T::Integer, box)
            .range(1, 1000)
            .bind([](ExperimentConfig& c) -> int& { return c.local_epochs; })
            .d,
        Declare(
            "local_target", "--local-target", QT_TRANSLATE_NOOP("mergelab", "Until local accuracy"),
            QT_TRANSLATE_NOOP("mergelab", "train locally until validation accuracy reaches this (0: off)"),
            T::Real, box)
            .range(0, 1)
            .shown_as(100, "%")
            .suggest(0.9)
            .bind([](ExperimentConfig& c) -> double& { return c.local_target; })
            .d,
        Declare("target", "--target", QT_TRANSLATE_NOOP("mergelab", "Stop at accuracy"),
                QT_TRANSLATE_NOOP("mergelab",
                                  "stop when every environment's copied-back accuracy reaches this (0: off)"),
                T::Real, box)
            .range(0, 1)
            .shown_as(100, "%")
            .suggest(0.9)
            .bind([](ExperimentConfig& c) -> double& { return c.target; })
            .d,
        Declare("local_steps", "--local-steps", QT_TRANSLATE_NOOP("mergelab", "Batches per round"),
                QT_TRANSLATE_NOOP("mergelab",
                                  "local training batches per round instead of whole epochs (0: epochs)"),
                T::Integer, box)
            .range(0, 1000000)
            .bind([](ExperimentConfig& c) -> int& { return c.local_steps; })
            .d,
        Declare("rule", "--rule", QT_TRANSLATE_NOOP("mergelab", "Local rule"),
                QT_TRANSLATE_NOOP("mergelab", "how environments train locally (RULE[:key=value,...])"),
                T::Choice, box)
            .choices(local_rule_names)
            .described(describe_from(local_rules))
            .items(parse_rule_choice)
            .bind([](ExperimentConfig& c) -> std::string& { return c.rule; })
            .d,
        Declare("optimizer", "--optimizer", QT_TRANSLATE_NOOP("mergelab", "Optimizer"),
                QT_TRANSLATE_NOOP("mergelab", "adam, or sgd with momentum"), T::Choice, box)
            .choices(names_of_optimizer)
            .described(describe_optimizer)
            .bind([](ExperimentConfig& c) -> Optimizer& { return c.optimizer; })
            .d,
        Declare("lr", "--lr", QT_TRANSLATE_NOOP("mergelab", "Learning rate"),
                QT_TRANSLATE_NOOP("mergelab", "learning rate, e.g. 0.001"), T::Real, box)
            .range(0, 10)
            .open_below()
            .widget(WidgetHint::TextField)
            .bind([](ExperimentConfig& c) -> double& { return c.lr; })
            .d,
        Declare("momentum", "--momentum", QT_TRANSLATE_NOOP("mergelab", "Momentum"),
                QT_TRANSLATE_NOOP("mergelab", "SGD momentum"), T::Real, box)
            .range(0, 0.999)
            .when("optimizer=sgd")
            .bind([](ExperimentConfig& c) -> double& { return c.momentum; })
            .d,
        Declare("batch", "--batch", QT_TRANSLATE_NOOP("mergelab", "Batch size"),
                QT_TRANSLATE_NOOP("mergelab", "images per training step"), T::Integer, box)
            .range(1, 65536)
            .bind([](ExperimentConfig& c) -> int& { return c.batch_size; })
            .d,
        // Within a 32-bit int so every front end holds it exactly.
        Declare("seed", "--seed", QT_TRANSLATE_NOOP("mergelab", "Seed"),
                QT_TRANSLATE_NOOP("mergelab", "seed of the split, initial weights, data order and dropout"),
                T::Integer, box)
            .range(0, 2147483647)
            .bind([](ExperimentConfig& c) -> uint64_t& { return c.seed; })
            .d,
        Declare("repeats", "--repeats", QT_TRANSLATE_NOOP("mergelab", "Repeats (seeds)"),
                QT_TRANSLATE_NOOP("mergelab",
                                  "run every strategy once per seed (the seed, seed + 1, ...) and "
                                  "summarise mean, spread and 95 % intervals"),
                T::Integer, box)
            .range(1, 20)
            .bind([](ExperimentConfig& c) -> int& { return c.repeats; })
            .d,
        Declare("init", "--init", QT_TRANSLATE_NOOP("mergelab", "Initialisation"),
                QT_TRANSLATE_NOOP(
                    "mergelab",
                    "shared: the same initial weights everywhere; independent: each environment its own"),
                T::Choice, box)
            .choices(names_of_init)
            .described(describe_init)
            .bind([](ExperimentConfig& c) -> Init& { return c.init; })
            .d,
    };
}

std::vector<SettingDescriptor> declare_running() {
    using T = SettingType;
    const char* box = "training";
    return {
        Declare("init_from", "--init-from", QT_TRANSLATE_NOOP("mergelab", "Start from"),
                QT_TRANSLATE_NOOP(
                    "mergelab",
                    "start every environment from this saved model (.pt); overrides the initialisation"),
                T::Text, box)
            .bind([](ExperimentConfig& c) -> std::string& { return c.init_from; })
            .d,
        Declare("threads", "--threads", QT_TRANSLATE_NOOP("mergelab", "Threads"),
                QT_TRANSLATE_NOOP("mergelab", "threads to use (0: every core)"), T::Integer, box)
            .range(0, 256)
            .min_means(QT_TRANSLATE_NOOP("mergelab", "automatic"))
            .bind([](ExperimentConfig& c) -> int& { return c.threads; })
            .d,
        Declare("min_envs", "--min-envs", QT_TRANSLATE_NOOP("mergelab", "Environments needed"),
                QT_TRANSLATE_NOOP("mergelab",
                                  "with environments in processes: merge a round once this many reported and "
                                  "let the others rejoin (0: every environment must report)"),
                T::Integer, "")
            .range(0, 10)
            .bind([](ExperimentConfig& c) -> int& { return c.min_envs; })
            .d,
        Declare("bins", "--bins", QT_TRANSLATE_NOOP("mergelab", "Histogram bins"),
                QT_TRANSLATE_NOOP("mergelab", "weight histogram bins per layer"), T::Integer, box)
            .range(2, 4096)
            .bind([](ExperimentConfig& c) -> int& { return c.histogram_bins; })
            .d,
        Declare("path_images", "--path-images", QT_TRANSLATE_NOOP("mergelab", "Path images"),
                QT_TRANSLATE_NOOP("mergelab",
                                  "test images on which each round records the path from environment 1's "
                                  "model to environment 2's (0: none; the Interpolation view can still "
                                  "compute it from saved models)"),
                T::Integer, box)
            .range(0, 1000000)
            .min_means(QT_TRANSLATE_NOOP("mergelab", "none"))
            .bind([](ExperimentConfig& c) -> int& { return c.path_images; })
            .d,
        Declare("data", "--data", QT_TRANSLATE_NOOP("mergelab", "Data folder"),
                QT_TRANSLATE_NOOP("mergelab",
                                  "Fashion-MNIST folder (empty: $MERGELAB_DATA or the Debian package)"),
                T::Text, "data")
            .bind([](ExperimentConfig& c) -> std::string& { return c.data_dir; })
            .d,
        Declare("test_fraction", "--test-fraction", QT_TRANSLATE_NOOP("mergelab", "Test share"),
                QT_TRANSLATE_NOOP("mergelab", "an image folder with only class folders: the share of each "
                                              "class held out as the test set"),
                T::Real, "data")
            .range(0.05, 0.9)
            .shown_as(100, "%")
            .bind([](ExperimentConfig& c) -> double& { return c.test_fraction; })
            .d,
        Declare("save_all", "--save-all", QT_TRANSLATE_NOOP("mergelab", "Save every round"),
                QT_TRANSLATE_NOOP("mergelab", "keep the models of every round, not only the last"), T::Flag,
                box)
            .bind([](ExperimentConfig& c) -> bool& { return c.save_all; })
            .d,
    };
}

// In run.json's order.
std::vector<SettingDescriptor> declare() {
    std::vector<SettingDescriptor> all;
    for (auto part : {declare_environments(), declare_merging(), declare_training(), declare_running()})
        all.insert(all.end(), part.begin(), part.end());
    return all;
}

std::string number_text(double v) {
    std::ostringstream out;
    out.precision(10);
    out << v;
    return out.str();
}

bool is_choice(const SettingDescriptor& d, const std::string& name) {
    const auto known = d.choices();
    return std::find(known.begin(), known.end(), name) != known.end();
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : separator) + s;
    return out;
}

// Where an item's name ends: at '+' (a strategy's rule), ':' (parameters) or
// '@' (a step after the merge).
size_t item_name_end(const std::string& item) {
    return std::min({item.find('+'), item.find(':'), item.find('@'), item.size()});
}

// The name against the choices (`unknown(name)` is thrown otherwise), then
// the whole item against the descriptor's own check.
template <typename Unknown>
void check_item(const SettingDescriptor& d, const std::string& item, Unknown unknown) {
    const std::string name = item.substr(0, d.check_item ? item_name_end(item) : item.find(':'));
    if (!is_choice(d, name))
        throw unknown(name);
    if (!d.check_item)
        return;
    try {
        d.check_item(item);
    } catch (const UsageError& e) {
        throw setting_error(d, e.what());
    }
}

} // namespace

namespace {
std::deque<SettingDescriptor>& registered() {
    static std::deque<SettingDescriptor> all = [] {
        const auto declared = declare();
        return std::deque<SettingDescriptor>(declared.begin(), declared.end());
    }();
    return all;
}
} // namespace

const std::deque<SettingDescriptor>& settings() {
    return registered();
}

void register_setting(SettingDescriptor d) {
    if (d.key.empty() || !d.get || !d.set)
        throw std::logic_error("a registered setting needs a key, get and set");
    for (const auto& other : settings())
        if (other.key == d.key || (!d.flag.empty() && other.flag == d.flag))
            throw std::logic_error("setting '" + d.key + "' or its flag is already declared");
    registered().push_back(std::move(d));
}

const SettingDescriptor* find_setting(const std::string& key) {
    for (const auto& d : settings())
        if (d.key == key)
            return &d;
    return nullptr;
}

const SettingDescriptor& setting(const std::string& key) {
    if (const auto* d = find_setting(key))
        return *d;
    throw std::logic_error("no setting '" + key + "'");
}

UsageError setting_error(const SettingDescriptor& d, const std::string& problem) {
    return UsageError(d.key, (d.flag.empty() ? d.key : d.flag) + " " + problem, problem);
}

UsageError setting_error(const std::string& key, const std::string& problem) {
    if (const auto* d = find_setting(key))
        return setting_error(*d, problem);
    return UsageError(key, key + " " + problem, problem);
}

std::string describe_range(const SettingDescriptor& d) {
    switch (d.type) {
    case SettingType::Integer:
        return number_text(d.min) + ".." + number_text(d.max);
    case SettingType::Real:
        return std::string(d.min_open ? "(" : "[") + number_text(d.min) + ", " + number_text(d.max) +
               (d.max_open ? ")" : "]");
    case SettingType::Choice:
        return joined(d.choices(), "|");
    case SettingType::List:
        return "comma-separated: " + joined(d.choices(), ", ");
    case SettingType::Flag:
        return "true|false";
    case SettingType::Text:
    case SettingType::ClassGroups:
        return "";
    }
    return "";
}

SettingValue parse_setting(const SettingDescriptor& d, const std::string& raw) {
    std::string text = raw;
    text.erase(0, text.find_first_not_of(" \t"));
    text.erase(text.find_last_not_of(" \t") + 1);
    switch (d.type) {
    case SettingType::Integer: {
        const bool digits = !text.empty() &&
                            std::all_of(text.begin() + (text[0] == '-' ? 1 : 0), text.end(),
                                        [](unsigned char ch) { return std::isdigit(ch); }) &&
                            text != "-";
        if (!digits)
            throw setting_error(d, "must be a whole number in " + describe_range(d) + ", got '" + raw + "'");
        errno = 0;
        const long long v = std::strtoll(text.c_str(), nullptr, 10);
        if (errno == ERANGE || v < d.min || v > d.max)
            throw setting_error(d, "must be between " + number_text(d.min) + " and " + number_text(d.max) +
                                       ", got " + text);
        return SettingValue(int64_t(v));
    }
    case SettingType::Real: {
        char* end = nullptr;
        errno = 0;
        const double v = text.empty() ? std::nan("") : std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !std::isfinite(v))
            throw setting_error(d, "must be a number in " + describe_range(d) + ", got '" + raw + "'");
        return SettingValue(v);
    }
    case SettingType::Flag: {
        std::string lower = text;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        if (lower == "true" || lower == "1" || lower == "yes" || lower == "on")
            return SettingValue(true);
        if (lower == "false" || lower == "0" || lower == "no" || lower == "off")
            return SettingValue(false);
        throw setting_error(d, "must be true or false, got '" + raw + "'");
    }
    case SettingType::Choice: {
        // Case does not matter on input ("v" is V); the stored name is
        // canonical. Parameters after the name stay as typed.
        const size_t end = d.check_item ? item_name_end(text) : text.size();
        for (const auto& name : d.choices()) {
            if (name.size() == end && std::equal(name.begin(), name.end(), text.begin(), [](char a, char b) {
                    return std::tolower((unsigned char)a) == std::tolower((unsigned char)b);
                }))
                return SettingValue(name + text.substr(end));
        }
        throw setting_error(d, "must be one of " + joined(d.choices(), ", ") + ", got '" + raw + "'");
    }
    case SettingType::List: {
        std::vector<std::string> items;
        std::string item;
        for (char ch : text + ",") {
            if (ch == ',') {
                // "ties:density=0.2,lambda=1": the second piece continues the first.
                const bool continues =
                    item.find('=') != std::string::npos && item.find(':') == std::string::npos;
                if (continues && !items.empty())
                    items.back() += "," + item;
                else if (!item.empty())
                    items.push_back(item);
                item.clear();
            } else if (!std::isspace(static_cast<unsigned char>(ch))) {
                item += ch;
            }
        }
        return SettingValue(items);
    }
    case SettingType::ClassGroups:
        if (!text.empty())
            parse_class_assignment(text); // throws naming --classes
        return SettingValue(text);
    case SettingType::Text:
        return SettingValue(raw);
    }
    return SettingValue(raw);
}

void check_setting(const SettingDescriptor& d, const SettingValue& value) {
    auto wrong_kind = [&] { return setting_error(d, "has a value of the wrong kind"); };
    switch (d.type) {
    case SettingType::Integer: {
        if (!std::holds_alternative<int64_t>(value))
            throw wrong_kind();
        const int64_t v = std::get<int64_t>(value);
        if (double(v) < d.min || double(v) > d.max)
            throw setting_error(d, "must be between " + number_text(d.min) + " and " + number_text(d.max) +
                                       ", got " + std::to_string(v));
        return;
    }
    case SettingType::Real: {
        if (!std::holds_alternative<double>(value))
            throw wrong_kind();
        const double v = std::get<double>(value);
        const bool low_ok = d.min_open ? v > d.min : v >= d.min;
        const bool high_ok = d.max_open ? v < d.max : v <= d.max;
        if (!std::isfinite(v) || !low_ok || !high_ok)
            throw setting_error(d, "must be a number in " + describe_range(d) + ", got " + number_text(v));
        return;
    }
    case SettingType::Flag:
        if (!std::holds_alternative<bool>(value))
            throw wrong_kind();
        return;
    case SettingType::Choice:
        if (!std::holds_alternative<std::string>(value))
            throw wrong_kind();
        check_item(d, std::get<std::string>(value), [&](const std::string& name) {
            return setting_error(d, "must be one of " + joined(d.choices(), ", ") + ", got '" + name + "'");
        });
        return;
    case SettingType::List:
        if (!std::holds_alternative<std::vector<std::string>>(value))
            throw wrong_kind();
        for (const auto& item : std::get<std::vector<std::string>>(value))
            check_item(d, item, [&](const std::string& name) {
                return setting_error(d, "names an unknown entry '" + name +
                                            "' (known: " + joined(d.choices(), ", ") + ")");
            });
        return;
    case SettingType::Text:
    case SettingType::ClassGroups:
        if (!std::holds_alternative<std::string>(value))
            throw wrong_kind();
        return;
    }
}

void set_setting_text(ExperimentConfig& config, const SettingDescriptor& d, const std::string& text) {
    const SettingValue v = parse_setting(d, text);
    check_setting(d, v);
    d.set(config, v);
}

std::string format_setting(const SettingDescriptor& d, const SettingValue& value) {
    if (const auto* b = std::get_if<bool>(&value))
        return *b ? "true" : "false";
    if (const auto* i = std::get_if<int64_t>(&value))
        return std::to_string(*i);
    if (const auto* r = std::get_if<double>(&value))
        return number_text(*r);
    if (const auto* s = std::get_if<std::string>(&value))
        return *s;
    (void)d;
    return joined(std::get<std::vector<std::string>>(value), ",");
}

bool setting_applies(const SettingDescriptor& d, const ExperimentConfig& config) {
    if (d.applies_when.empty())
        return true;
    const auto eq = d.applies_when.find('=');
    const SettingDescriptor& other = setting(d.applies_when.substr(0, eq));
    return format_setting(other, other.get(config)) == d.applies_when.substr(eq + 1);
}

} // namespace mergelab
