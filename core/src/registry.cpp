#include "mergelab/registry.h"

#include <cmath>
#include <sstream>

#include "mergelab/error.h"

namespace mergelab {

double param_value(const RegistryEntry& entry, const ParamValues& values, const std::string& key) {
    if (auto it = values.find(key); it != values.end())
        return it->second;
    for (const auto& p : entry.params)
        if (p.key == key)
            return p.default_value;
    throw Error(entry.name + " has no parameter '" + key + "'");
}

void check_params(const RegistryEntry& entry, const ParamValues& values, const std::string& option) {
    for (const auto& [key, value] : values) {
        const ParamSpec* spec = nullptr;
        for (const auto& p : entry.params)
            if (p.key == key)
                spec = &p;
        if (!spec) {
            std::string known;
            for (const auto& p : entry.params)
                known += (known.empty() ? "" : ", ") + p.key;
            throw UsageError(option + ": " + entry.name + " takes no parameter '" + key + "'" +
                             (known.empty() ? " (it has none)" : " (it takes: " + known + ")"));
        }
        if (!(std::isfinite(value) && value >= spec->min && value <= spec->max)) {
            std::ostringstream out;
            out << option << ": " << entry.name << "'s " << key << " must lie in [" << spec->min << ", "
                << spec->max << "], got " << value;
            throw UsageError(out.str());
        }
    }
}

std::string describe_entries(const std::string& heading, const std::vector<const RegistryEntry*>& entries) {
    std::ostringstream out;
    out << heading << ":\n";
    for (const auto* e : entries) {
        out << "  " << e->name << ": " << e->description;
        if (!e->reference.empty())
            out << " [" << e->reference << "]";
        out << '\n';
        for (const auto& p : e->params) {
            out << "      " << p.key << " (default ";
            if (p.default_text.empty())
                out << p.default_value;
            else
                out << p.default_text;
            out << ", " << p.min << ".." << p.max << "): " << p.help << '\n';
        }
    }
    return out.str();
}

} // namespace mergelab
