#pragma once
// What every registry entry (merge method, split, preset, architecture)
// tells people: its name, a one-line description, where it comes from, and
// the parameters it takes as data, so the CLI can accept `--param key=value`
// and the app can build a widget for each without knowing the entry.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace mergelab {

struct ParamSpec {
    std::string key;   // "density"
    std::string label; // "Density"
    std::string help;  // one line for people
    double default_value = 0;
    double min = 0, max = 0; // inclusive
    // When the default depends on the inputs ("1/N"): shown instead of
    // default_value, and the entry computes it when the key is not given.
    std::string default_text;
};

inline ParamSpec param(std::string key, std::string label, std::string help, double default_value, double min,
                       double max, std::string default_text = {}) {
    return {std::move(key),         std::move(label), std::move(help), default_value, min, max,
            std::move(default_text)};
}

struct RegistryEntry {
    std::string name;        // as typed on the command line and stored in run.json
    std::string label;       // for people: "Paper: V-environment"
    std::string description; // one line for people
    std::string reference;   // paper or URL; empty for MergeLab's own
    std::vector<ParamSpec> params;
};

// Parameter values by key; a key not given takes its ParamSpec's default.
using ParamValues = std::map<std::string, double>;

// The value of `key` in `values`, or its declared default.
double param_value(const RegistryEntry& entry, const ParamValues& values, const std::string& key);
// Throws UsageError naming `option` for an unknown key or a value outside
// the declared range.
void check_params(const RegistryEntry& entry, const ParamValues& values, const std::string& option);

// "name: description [reference]" lines with one indented line per
// parameter, as `mergelab-cli methods` prints them.
std::string describe_entries(const std::string& heading, const std::vector<const RegistryEntry*>& entries);

// The same three operations on every registry (a vector of entries).
template <typename Entry>
const Entry* find_entry(const std::vector<Entry>& registry, const std::string& name) {
    auto it = std::find_if(registry.begin(), registry.end(), [&](const Entry& e) { return e.name == name; });
    return it == registry.end() ? nullptr : &*it;
}
template <typename Entry> std::vector<std::string> entry_names(const std::vector<Entry>& registry) {
    std::vector<std::string> names;
    for (const auto& e : registry)
        names.push_back(e.name);
    return names;
}
// Adds `entry`, or replaces the one of the same name.
template <typename Entry> void add_entry(std::vector<Entry>& registry, Entry entry) {
    auto it =
        std::find_if(registry.begin(), registry.end(), [&](const Entry& e) { return e.name == entry.name; });
    if (it != registry.end())
        *it = std::move(entry);
    else
        registry.push_back(std::move(entry));
}

} // namespace mergelab
