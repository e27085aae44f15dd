#pragma once
// run.json's fields of format version 2 that explain a round: per-class test
// accuracy, the provenance of picking merges, the env 1 -> env 2 path and its
// barrier. Kept beside run_files.cpp, which calls these. Internal to the core.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "mergelab/experiment.h"

namespace mergelab::insight_json {

using Json = nlohmann::ordered_json;
// Throws with the field's path and what is wrong with it.
using Fail = std::function<void(const std::string& path, const std::string& what)>;

// "class_acc": one fraction per class (null for a class without test images).
Json class_acc(const ConfusionMatrix& confusion);
// Adds "provenance", "barrier" and "interpolation" to a round's object.
void add_round_fields(const RoundResult& round, Json& out);

// Checks a "class_acc" list if present: the numbers are derived from the
// confusion matrix again when needed, so they are only validated here.
void check_class_acc(const Json& owner, const std::string& path, int classes, const Fail& fail);
// Reads "provenance" and "interpolation" when present (runs of format 1
// have neither).
void read_round_fields(const Json& round, const std::string& path, size_t envs, RoundResult& out,
                       const Fail& fail);

} // namespace mergelab::insight_json
