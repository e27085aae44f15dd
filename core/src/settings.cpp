#include "mergelab/settings.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/split.h"

namespace mergelab {

namespace {

using Get = std::function<SettingValue(const ExperimentConfig&)>;
using Set = std::function<void(ExperimentConfig&, const SettingValue&)>;

std::vector<std::string> names_of_mode() { return {name_of(Mode::Compare), name_of(Mode::Lanes)}; }
std::vector<std::string> names_of_optimizer() { return {name_of(Optimizer::Adam), name_of(Optimizer::Sgd)}; }
std::vector<std::string> names_of_init() { return {name_of(Init::Shared), name_of(Init::Independent)}; }

// Binds a descriptor to one int field of the config.
template <typename T> void bind_integer(SettingDescriptor& d, T ExperimentConfig::*field) {
    d.get = [field](const ExperimentConfig& c) { return SettingValue(static_cast<int64_t>(c.*field)); };
    d.set = [field](ExperimentConfig& c, const SettingValue& v) { c.*field = static_cast<T>(std::get<int64_t>(v)); };
}
void bind_real(SettingDescriptor& d, double ExperimentConfig::*field) {
    d.get = [field](const ExperimentConfig& c) { return SettingValue(c.*field); };
    d.set = [field](ExperimentConfig& c, const SettingValue& v) { c.*field = std::get<double>(v); };
}
void bind_flag(SettingDescriptor& d, bool ExperimentConfig::*field) {
    d.get = [field](const ExperimentConfig& c) { return SettingValue(c.*field); };
    d.set = [field](ExperimentConfig& c, const SettingValue& v) { c.*field = std::get<bool>(v); };
}
void bind_text(SettingDescriptor& d, std::string ExperimentConfig::*field) {
    d.get = [field](const ExperimentConfig& c) { return SettingValue(c.*field); };
    d.set = [field](ExperimentConfig& c, const SettingValue& v) { c.*field = std::get<std::string>(v); };
}
void bind_list(SettingDescriptor& d, std::vector<std::string> ExperimentConfig::*field) {
    d.get = [field](const ExperimentConfig& c) { return SettingValue(c.*field); };
    d.set = [field](ExperimentConfig& c, const SettingValue& v) { c.*field = std::get<std::vector<std::string>>(v); };
}
template <typename E> void bind_enum(SettingDescriptor& d, E ExperimentConfig::*field) {
    d.get = [field](const ExperimentConfig& c) { return SettingValue(std::string(name_of(c.*field))); };
    d.set = [field](ExperimentConfig& c, const SettingValue& v) { parse_name(std::get<std::string>(v), c.*field); };
}

SettingDescriptor make(const char* key, const char* flag, const char* label, const char* help, SettingType type,
                       const char* group) {
    SettingDescriptor d;
    d.key = key;
    d.flag = flag;
    d.label = label;
    d.help = help;
    d.type = type;
    d.group = group;
    return d;
}

SettingDescriptor ranged(SettingDescriptor d, double min, double max) {
    d.min = min;
    d.max = max;
    return d;
}

std::vector<SettingDescriptor> declare() {
    using T = SettingType;
    std::vector<SettingDescriptor> all;

    auto split = make("split", "--split", "Split", "how the training data is divided among the environments",
                      T::Choice, "environments");
    split.choices = split_names;
    split.get = [](const ExperimentConfig& c) { return SettingValue(c.split.kind); };
    split.set = [](ExperimentConfig& c, const SettingValue& v) { c.split.kind = std::get<std::string>(v); };
    all.push_back(split);

    auto envs = ranged(make("envs", "--envs", "Environments", "number of environments", T::Integer, "environments"),
                       2, 10);
    envs.get = [](const ExperimentConfig& c) { return SettingValue(int64_t(c.split.envs)); };
    envs.set = [](ExperimentConfig& c, const SettingValue& v) { c.split.envs = int(std::get<int64_t>(v)); };
    all.push_back(envs);

    auto classes = make("classes", "--classes", "Classes",
                        "classes per environment, e.g. 0-4;5-9 (empty: even contiguous groups)", T::ClassGroups,
                        "environments");
    classes.applies_when = "split=H";
    classes.get = [](const ExperimentConfig& c) { return SettingValue(format_class_assignment(c.split.classes)); };
    classes.set = [](ExperimentConfig& c, const SettingValue& v) {
        const auto& text = std::get<std::string>(v);
        c.split.classes = text.empty() ? std::vector<std::vector<int>>{} : parse_class_assignment(text);
    };
    all.push_back(classes);

    // Below 0.01 every gamma draw underflows for most classes: the split
    // would no longer mean what a small alpha means.
    auto alpha = ranged(make("alpha", "--alpha", "Alpha", "Dirichlet concentration: small values give each "
                                                          "environment few classes",
                             T::Real, "environments"),
                        0.01, 100);
    alpha.widget = WidgetHint::LogSlider;
    alpha.applies_when = "split=dirichlet";
    alpha.get = [](const ExperimentConfig& c) { return SettingValue(c.split.alpha); };
    alpha.set = [](ExperimentConfig& c, const SettingValue& v) { c.split.alpha = std::get<double>(v); };
    all.push_back(alpha);

    auto val = ranged(make("val_fraction", "--val-fraction", "Validation share",
                           "share of each environment's data held out for its local accuracy", T::Real, ""),
                      0, 0.5);
    val.min_open = true;
    val.get = [](const ExperimentConfig& c) { return SettingValue(c.split.val_fraction); };
    val.set = [](ExperimentConfig& c, const SettingValue& v) { c.split.val_fraction = std::get<double>(v); };
    all.push_back(val);

    auto limit = ranged(make("train_limit", "--train-limit", "Training images",
                             "training images per environment (0: all)", T::Integer, ""),
                        0, 1000000);
    limit.get = [](const ExperimentConfig& c) { return SettingValue(int64_t(c.split.train_limit)); };
    limit.set = [](ExperimentConfig& c, const SettingValue& v) { c.split.train_limit = std::get<int64_t>(v); };
    all.push_back(limit);

    auto fraction = ranged(make("train_fraction", "--train-fraction", "Training data",
                                "share of each environment's training images used; less is faster", T::Real,
                                "environments"),
                           0.01, 1);
    fraction.display_scale = 100;
    fraction.unit = "%";
    fraction.get = [](const ExperimentConfig& c) { return SettingValue(c.split.train_fraction); };
    fraction.set = [](ExperimentConfig& c, const SettingValue& v) { c.split.train_fraction = std::get<double>(v); };
    all.push_back(fraction);

    auto model = make("model", "--model", "Model", "the network every environment trains", T::Choice, "merging");
    model.choices = architecture_names;
    bind_text(model, &ExperimentConfig::model);
    all.push_back(model);

    auto method = make("method", "--method", "Primary method", "the merged model that is copied back to every "
                                                               "environment",
                       T::Choice, "merging");
    method.choices = merge_method_names;
    bind_text(method, &ExperimentConfig::method);
    all.push_back(method);

    auto compare = make("compare", "--compare", "Compare",
                        "merge methods evaluated side by side each round on the same local models", T::List,
                        "merging");
    compare.choices = merge_method_names;
    bind_list(compare, &ExperimentConfig::compare);
    all.push_back(compare);

    auto mode = make("mode", "", "Mode", "compare methods on the same local models, or run one experiment per "
                                         "method (lanes)",
                     T::Choice, "merging");
    mode.choices = names_of_mode;
    bind_enum(mode, &ExperimentConfig::mode);
    all.push_back(mode);

    auto lanes = make("lanes", "--lanes", "Lanes",
                      "lanes mode: one full experiment per listed method, same seed and data", T::List, "");
    lanes.choices = merge_method_names;
    lanes.applies_when = "mode=lanes";
    bind_list(lanes, &ExperimentConfig::lanes);
    all.push_back(lanes);

    auto baseline = make("baseline", "--baseline", "Centralised baseline",
                         "also train one model on all environments' data (central)", T::Flag, "merging");
    bind_flag(baseline, &ExperimentConfig::baseline);
    all.push_back(baseline);

    auto rounds = ranged(make("rounds", "--rounds", "Rounds (max)", "the round limit", T::Integer, "training"), 1,
                         10000);
    bind_integer(rounds, &ExperimentConfig::rounds);
    all.push_back(rounds);

    auto epochs = ranged(make("local_epochs", "--local-epochs", "Epochs per round",
                              "local epochs per round (the maximum with a local target)", T::Integer, "training"),
                         1, 1000);
    bind_integer(epochs, &ExperimentConfig::local_epochs);
    all.push_back(epochs);

    auto local_target = ranged(make("local_target", "--local-target", "Until local accuracy",
                                    "train locally until validation accuracy reaches this (0: off)", T::Real,
                                    "training"),
                               0, 1);
    local_target.display_scale = 100;
    local_target.unit = "%";
    bind_real(local_target, &ExperimentConfig::local_target);
    all.push_back(local_target);

    auto target = ranged(make("target", "--target", "Stop at accuracy",
                              "stop when every environment's copied-back accuracy reaches this (0: off)", T::Real,
                              "training"),
                         0, 1);
    target.display_scale = 100;
    target.unit = "%";
    bind_real(target, &ExperimentConfig::target);
    all.push_back(target);

    auto optimizer = make("optimizer", "--optimizer", "Optimizer", "adam, or sgd with momentum", T::Choice,
                          "training");
    optimizer.choices = names_of_optimizer;
    bind_enum(optimizer, &ExperimentConfig::optimizer);
    all.push_back(optimizer);

    auto lr = ranged(make("lr", "--lr", "Learning rate", "learning rate, e.g. 0.001", T::Real, "training"), 0, 10);
    lr.min_open = true;
    lr.widget = WidgetHint::TextField;
    bind_real(lr, &ExperimentConfig::lr);
    all.push_back(lr);

    auto momentum = ranged(make("momentum", "--momentum", "Momentum", "SGD momentum", T::Real, "training"), 0,
                           0.999);
    momentum.applies_when = "optimizer=sgd";
    bind_real(momentum, &ExperimentConfig::momentum);
    all.push_back(momentum);

    auto batch = ranged(make("batch", "--batch", "Batch size", "images per training step", T::Integer, "training"), 1,
                        65536);
    bind_integer(batch, &ExperimentConfig::batch_size);
    all.push_back(batch);

    // Within a 32-bit int so every front end can hold it exactly.
    auto seed = ranged(make("seed", "--seed", "Seed", "seed of the split, initial weights, data order and dropout",
                            T::Integer, "training"),
                       0, 2147483647);
    bind_integer(seed, &ExperimentConfig::seed);
    all.push_back(seed);

    auto init = make("init", "--init", "Initialisation",
                     "shared: the same initial weights everywhere; independent: each environment its own", T::Choice,
                     "training");
    init.choices = names_of_init;
    bind_enum(init, &ExperimentConfig::init);
    all.push_back(init);

    auto init_from = make("init_from", "--init-from", "Start from",
                          "start every environment from this saved model (.pt); overrides the initialisation",
                          T::Text, "");
    bind_text(init_from, &ExperimentConfig::init_from);
    all.push_back(init_from);

    auto threads = ranged(make("threads", "--threads", "Threads", "threads to use (0: every core)", T::Integer,
                               "training"),
                          0, 256);
    bind_integer(threads, &ExperimentConfig::threads);
    all.push_back(threads);

    auto bins = ranged(make("bins", "--bins", "Histogram bins", "weight histogram bins per layer", T::Integer, ""), 2,
                       4096);
    bind_integer(bins, &ExperimentConfig::histogram_bins);
    all.push_back(bins);

    auto data = make("data", "--data", "Data folder",
                     "Fashion-MNIST folder (empty: $MERGELAB_DATA or the Debian package)", T::Text, "data");
    bind_text(data, &ExperimentConfig::data_dir);
    all.push_back(data);

    auto save_all = make("save_all", "--save-all", "Save every round",
                         "keep the models of every round, not only the last", T::Flag, "");
    bind_flag(save_all, &ExperimentConfig::save_all);
    all.push_back(save_all);
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
    for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
    return out;
}

} // namespace

const std::vector<SettingDescriptor>& settings() {
    static const std::vector<SettingDescriptor> all = declare();
    return all;
}

const SettingDescriptor* find_setting(const std::string& key) {
    for (const auto& d : settings())
        if (d.key == key) return &d;
    return nullptr;
}

const SettingDescriptor& setting(const std::string& key) {
    if (const auto* d = find_setting(key)) return *d;
    throw std::logic_error("no setting '" + key + "'");
}

UsageError setting_error(const SettingDescriptor& d, const std::string& problem) {
    return UsageError(d.key, (d.flag.empty() ? d.key : d.flag) + " " + problem, problem);
}

UsageError setting_error(const std::string& key, const std::string& problem) {
    if (const auto* d = find_setting(key)) return setting_error(*d, problem);
    return UsageError(key, key + " " + problem, problem);
}

std::string describe_range(const SettingDescriptor& d) {
    switch (d.type) {
    case SettingType::Integer: return number_text(d.min) + ".." + number_text(d.max);
    case SettingType::Real:
        return std::string(d.min_open ? "(" : "[") + number_text(d.min) + ", " + number_text(d.max) +
               (d.max_open ? ")" : "]");
    case SettingType::Choice: return joined(d.choices(), "|");
    case SettingType::List: return "comma-separated: " + joined(d.choices(), ", ");
    case SettingType::Flag: return "true|false";
    case SettingType::Text:
    case SettingType::ClassGroups: return "";
    }
    return "";
}

SettingValue parse_setting(const SettingDescriptor& d, const std::string& raw) {
    std::string text = raw;
    text.erase(0, text.find_first_not_of(" \t"));
    text.erase(text.find_last_not_of(" \t") + 1);
    switch (d.type) {
    case SettingType::Integer: {
        const bool digits = !text.empty() && std::all_of(text.begin() + (text[0] == '-' ? 1 : 0), text.end(),
                                                         [](unsigned char ch) { return std::isdigit(ch); }) &&
                            text != "-";
        if (!digits) throw setting_error(d, "must be a whole number in " + describe_range(d) + ", got '" + raw + "'");
        errno = 0;
        const long long v = std::strtoll(text.c_str(), nullptr, 10);
        if (errno == ERANGE || v < d.min || v > d.max)
            throw setting_error(d, "must be between " + number_text(d.min) + " and " + number_text(d.max) + ", got " +
                                       text);
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
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return SettingValue(true);
        if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return SettingValue(false);
        throw setting_error(d, "must be true or false, got '" + raw + "'");
    }
    case SettingType::Choice: {
        // Case does not matter on input ("v" is V); the stored name is canonical.
        for (const auto& name : d.choices()) {
            if (name.size() == text.size() &&
                std::equal(name.begin(), name.end(), text.begin(),
                           [](char a, char b) { return std::tolower((unsigned char)a) == std::tolower((unsigned char)b); }))
                return SettingValue(name);
        }
        throw setting_error(d, "must be one of " + joined(d.choices(), ", ") + ", got '" + raw + "'");
    }
    case SettingType::List: {
        std::vector<std::string> items;
        std::string item;
        for (char ch : text + ",") {
            if (ch == ',') {
                if (!item.empty()) items.push_back(item);
                item.clear();
            } else if (!std::isspace(static_cast<unsigned char>(ch))) {
                item += ch;
            }
        }
        return SettingValue(items);
    }
    case SettingType::ClassGroups:
        if (!text.empty()) parse_class_assignment(text); // throws naming --classes
        return SettingValue(text);
    case SettingType::Text: return SettingValue(raw);
    }
    return SettingValue(raw);
}

void check_setting(const SettingDescriptor& d, const SettingValue& value) {
    auto wrong_kind = [&] { return setting_error(d, "has a value of the wrong kind"); };
    switch (d.type) {
    case SettingType::Integer: {
        if (!std::holds_alternative<int64_t>(value)) throw wrong_kind();
        const int64_t v = std::get<int64_t>(value);
        if (double(v) < d.min || double(v) > d.max)
            throw setting_error(d, "must be between " + number_text(d.min) + " and " + number_text(d.max) + ", got " +
                                       std::to_string(v));
        return;
    }
    case SettingType::Real: {
        if (!std::holds_alternative<double>(value)) throw wrong_kind();
        const double v = std::get<double>(value);
        const bool low_ok = d.min_open ? v > d.min : v >= d.min;
        const bool high_ok = d.max_open ? v < d.max : v <= d.max;
        if (!std::isfinite(v) || !low_ok || !high_ok)
            throw setting_error(d, "must be a number in " + describe_range(d) + ", got " + number_text(v));
        return;
    }
    case SettingType::Flag:
        if (!std::holds_alternative<bool>(value)) throw wrong_kind();
        return;
    case SettingType::Choice:
        if (!std::holds_alternative<std::string>(value)) throw wrong_kind();
        if (!is_choice(d, std::get<std::string>(value)))
            throw setting_error(d, "must be one of " + joined(d.choices(), ", ") + ", got '" +
                                       std::get<std::string>(value) + "'");
        return;
    case SettingType::List:
        if (!std::holds_alternative<std::vector<std::string>>(value)) throw wrong_kind();
        for (const auto& item : std::get<std::vector<std::string>>(value)) {
            const std::string name = item.substr(0, item.find(':'));
            if (!is_choice(d, name))
                throw setting_error(d, "names an unknown entry '" + name + "' (known: " + joined(d.choices(), ", ") +
                                           ")");
        }
        return;
    case SettingType::Text:
    case SettingType::ClassGroups:
        if (!std::holds_alternative<std::string>(value)) throw wrong_kind();
        return;
    }
}

void set_setting_text(ExperimentConfig& config, const SettingDescriptor& d, const std::string& text) {
    const SettingValue v = parse_setting(d, text);
    check_setting(d, v);
    d.set(config, v);
}

std::string format_setting(const SettingDescriptor& d, const SettingValue& value) {
    if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
    if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
    if (const auto* r = std::get_if<double>(&value)) return number_text(*r);
    if (const auto* s = std::get_if<std::string>(&value)) return *s;
    (void)d;
    return joined(std::get<std::vector<std::string>>(value), ",");
}

bool setting_applies(const SettingDescriptor& d, const ExperimentConfig& config) {
    if (d.applies_when.empty()) return true;
    const auto eq = d.applies_when.find('=');
    const SettingDescriptor& other = setting(d.applies_when.substr(0, eq));
    return format_setting(other, other.get(config)) == d.applies_when.substr(eq + 1);
}

} // namespace mergelab
