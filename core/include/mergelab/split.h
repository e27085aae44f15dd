#pragma once
// How the training set is divided among environments. Every partitioner
// shares one interface and is deterministic for a given seed.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mergelab/registry.h"

namespace mergelab {

using IndexList = std::vector<int64_t>;

class Partitioner {
public:
    virtual ~Partitioner() = default;
    // One list of training-set indices per environment; the lists are
    // disjoint. Throws UsageError when the split cannot be made.
    virtual std::vector<IndexList> partition(const std::vector<uint8_t>& labels, int envs,
                                             uint64_t seed) const = 0;
};

// V: every environment gets every class in equal share (stratified, the
// remainder of a class that does not divide evenly is left out).
std::unique_ptr<Partitioner> make_v_partitioner();
// H: class-disjoint. An empty assignment means contiguous, as-even-as-possible
// groups (2 environments of 10 classes: 0-4 and 5-9).
std::unique_ptr<Partitioner> make_h_partitioner(std::vector<std::vector<int>> assignment = {});
// Dirichlet label skew with concentration alpha > 0.
std::unique_ptr<Partitioner> make_dirichlet_partitioner(double alpha);

// "0-4;5-9" or "0,2,4,6,8;1,3,5,7,9". Throws UsageError if a class is out of
// range or repeated, or a group is empty.
std::vector<std::vector<int>> parse_class_assignment(const std::string& text);
std::string format_class_assignment(const std::vector<std::vector<int>>& assignment);
// `classes` split into `envs` contiguous groups, the first ones a class larger.
std::vector<std::vector<int>> default_class_assignment(int envs, int classes = 10);
// The class count labels imply: the highest label + 1.
int label_class_count(const std::vector<uint8_t>& labels);

struct SplitSpec {
    std::string kind = "V"; // V, H, dirichlet
    int envs = 2;
    std::vector<std::vector<int>> classes; // H only; empty = default
    double alpha = 0.5;                    // dirichlet only
    double val_fraction = 0.1;
    int64_t train_limit = 0;     // training images per environment; 0 = all
    double train_fraction = 1.0; // share of each environment's training images used, (0, 1]
};

// A way of dividing the data: one registry entry each. Adding a split is
// one entry here (split.cpp) and nothing else: the CLI, run.json and the
// app's split box list the entries.
struct SplitKind : RegistryEntry {
    std::function<std::unique_ptr<Partitioner>(const SplitSpec&)> make;
    bool uses_classes = false; // reads SplitSpec::classes
};
const std::vector<SplitKind>& split_kinds();
// For tests and extensions: adds an entry (replacing one of the same name).
void register_split(SplitKind kind);
const SplitKind* find_split(const std::string& name);
std::vector<std::string> split_names();

struct EnvironmentData {
    IndexList train;          // indices into the training set
    IndexList val;            // held out from the same environment's data
    std::vector<int> classes; // classes present, ascending
};

// Throws UsageError naming the setting when the spec is invalid.
void validate(const SplitSpec& spec);
std::unique_ptr<Partitioner> make_partitioner(const SplitSpec& spec);
// `seed` is the experiment's one seed (ExperimentConfig::seed).
// `classes`: the data's class count, which H's default groups divide
// (0: label_class_count(labels)).
std::vector<EnvironmentData> make_environments(const SplitSpec& spec, const std::vector<uint8_t>& labels,
                                               uint64_t seed, int classes = 0);

} // namespace mergelab
