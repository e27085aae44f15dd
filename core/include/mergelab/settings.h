#pragma once
// Every setting of an experiment, declared once. Validation, run.json, the
// CLI's options and the app's setup widgets are all derived from these
// descriptors, so a range or a name is written in one place only.
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "mergelab/error.h"
#include "mergelab/experiment.h"

namespace mergelab {

enum class SettingType {
    Integer, // int64 within [min, max]
    Real,    // double within [min, max] (ends open where said)
    Flag,    // true / false
    Choice,  // one of choices()
    List,    // comma-separated, each one of choices() (before any '+' or ':'); "ties:density=0.2,lambda=1"
             // is one item: a piece with '=' but no ':' continues the item before it
    Text,    // free text (a path)
    ClassGroups, // "0-4;5-9": classes per environment
};

// How the app shows a setting; the range is the descriptor's either way.
enum class WidgetHint { Default, LogSlider, TextField };

// Bool, int64, double, string (Choice, Text, ClassGroups as typed) or list.
using SettingValue = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

struct SettingDescriptor {
    std::string key;   // in run.json's "config"
    std::string flag;  // on the command line; empty: not an option of `run`
    std::string label; // for people: "Rounds (max)"
    std::string help;  // one line for people
    SettingType type = SettingType::Integer;
    double min = 0, max = 0;
    bool min_open = false, max_open = false;
    // The app shows value * display_scale with this unit (fractions as %).
    double display_scale = 1;
    std::string unit;
    WidgetHint widget = WidgetHint::Default;
    // The setup panel's box: data, environments, merging, training (or any
    // other name: the panel adds a box for it); empty: only on the command
    // line and in run.json. Within a box, fields follow settings()' order.
    std::string group;
    // "split=dirichlet" or "optimizer=sgd": the setting matters only then.
    std::string applies_when;
    // What the minimum means when it is not a number to people ("automatic"
    // for 0 threads); shown in its place.
    std::string min_label;
    // A setting that 0 turns off (a target): the value its field offers
    // when it is turned on.
    double suggested = 0;
    std::function<std::vector<std::string>()> choices;
    // A choice's label and one-line description for people (untranslated,
    // as the registries keep them); the name itself when not given.
    std::function<std::pair<std::string, std::string>(const std::string& name)> describe_choice;
    // Choice and List items may carry parameters ("ties:density=0.2",
    // "avg+fedprox:mu=0.01"): the name is checked against choices(), then
    // the whole item here (throws UsageError saying what is wrong).
    std::function<void(const std::string&)> check_item;
    std::function<SettingValue(const ExperimentConfig&)> get;
    std::function<void(ExperimentConfig&, const SettingValue&)> set;
};

// In run.json order. A deque: registering never moves a descriptor that
// someone holds a pointer to.
const std::deque<SettingDescriptor>& settings();
// Adds a setting declared outside the core's list (an extension, or a test
// proving that one declaration is enough): it follows the others in run.json,
// the CLI, validation and the panel. `d.get` and `d.set` must be given.
// Throws std::logic_error for a key or flag already taken. Register before
// any window or command line is built from the list.
void register_setting(SettingDescriptor d);
// nullptr if no setting has this key.
const SettingDescriptor* find_setting(const std::string& key);
// Throws std::logic_error for an unknown key (a programming error).
const SettingDescriptor& setting(const std::string& key);

// A refusal of one setting: what() names its flag (or key), field() its key.
UsageError setting_error(const SettingDescriptor& d, const std::string& problem);
UsageError setting_error(const std::string& key, const std::string& problem);

// Text as typed on the command line (C locale). Throws setting_error.
SettingValue parse_setting(const SettingDescriptor& d, const std::string& text);
// Throws setting_error when the value is of the wrong kind, out of range or
// not one of the choices.
void check_setting(const SettingDescriptor& d, const SettingValue& value);
// parse, check, set.
void set_setting_text(ExperimentConfig& config, const SettingDescriptor& d, const std::string& text);
// The value as one would type it.
std::string format_setting(const SettingDescriptor& d, const SettingValue& value);
// "1..10000", "(0, 10]", "adam|sgd": for help texts and messages.
std::string describe_range(const SettingDescriptor& d);
// Whether applies_when holds for `config`.
bool setting_applies(const SettingDescriptor& d, const ExperimentConfig& config);

} // namespace mergelab
