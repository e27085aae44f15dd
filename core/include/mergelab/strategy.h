#pragma once
// How a run learns, as text a person types: a merge method with its
// parameters ("ties:density=0.2"), a local training rule ("fedprox:mu=0.01")
// and the two together as a strategy ("avg+fedprox:mu=0.01"), the unit a
// lanes run compares. The rules are registry entries like the methods.
#include <string>
#include <vector>

#include "mergelab/registry.h"

namespace mergelab {

// How environments train locally; one rule per run. The training side lives
// in the core (trainer.h); this is what people see.
struct LocalRule : RegistryEntry {};

const std::vector<LocalRule>& local_rules();
std::vector<std::string> local_rule_names();
// nullptr if unknown.
const LocalRule* find_local_rule(const std::string& name);

// A registry entry's name with parameter values: "ties:density=0.2".
struct Choice {
    std::string name;
    ParamValues params;
};

struct Strategy {
    Choice method;
    Choice rule{"plain", {}};
    bool rule_given = false; // "+RULE" was written (else the run's --rule applies)
};

// Each throws UsageError whose message starts with `text` and says what is
// wrong: an unknown name, a parameter the entry does not take, a value out
// of its declared range, or bad syntax.
Choice parse_method_choice(const std::string& text);
Choice parse_rule_choice(const std::string& text);
// METHOD[+RULE][:key=value,...]; each key goes to the method when it takes
// it, otherwise to the rule.
Strategy parse_strategy(const std::string& text);

// The text form again: name, then ":key=value,..." in key order.
std::string format_choice(const Choice& choice);
// Parameters as the CLI's --param and the app's widgets write them.
std::string format_params(const ParamValues& params);

} // namespace mergelab
