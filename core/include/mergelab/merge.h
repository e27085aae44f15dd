#pragma once
// Merge methods: how N >= 2 environments' weights of one architecture become
// one model. Each method is one registry entry (merge.cpp) with its
// description, reference and parameters as data.
//
// A method sees more than the weights when it needs to: the model every
// environment started the round from (for deltas), each environment's
// training-set size, and state it keeps across rounds (a Merger object lives
// for a whole run). The layer structure is in the tensors' names and shapes.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mergelab/registry.h"
#include "mergelab/weights.h"

namespace mergelab {

struct MergeInputs {
    std::vector<const WeightSet*> models; // one per environment, same names and shapes
    const WeightSet* base = nullptr;      // the model every environment started this round from
    std::vector<int64_t> sizes;           // each environment's training-set size
};

// One method's merging for one run; may keep state between rounds.
class Merger {
public:
    virtual ~Merger() = default;
    virtual WeightSet merge(const MergeInputs& inputs) = 0;
};

// out[i] = combine(inputs[0][i], ..., inputs[n-1][i]) for i < count.
using MergeKernel = void (*)(const std::vector<const float*>& inputs, float* out, size_t count);

struct MergeMethod : RegistryEntry {
    bool needs_base = false;  // reads MergeInputs::base
    bool needs_sizes = false; // reads MergeInputs::sizes
    bool stateful = false;    // keeps state across rounds (reset when a run starts)
    bool picks = false;       // every merged element is one environment's value (provenance)
    std::function<std::unique_ptr<Merger>(const ParamValues&)> make;
};

const std::vector<MergeMethod>& merge_methods();
std::vector<std::string> merge_method_names();
// nullptr if unknown.
const MergeMethod* find_merge_method(const std::string& name);

// A Merger applying `kernel` tensor by tensor: for stateless element-wise
// methods.
std::unique_ptr<Merger> elementwise_merger(MergeKernel kernel);

// Throws Error naming the tensor, `which` ("model 2") and the element when
// a weight is NaN or infinite.
void check_finite(const WeightSet& weights, const std::string& which);

// Whether `method` with these parameters reads MergeInputs::sizes (some
// methods only when asked for a size-weighted mean).
bool needs_sizes(const MergeMethod& method, const ParamValues& params);

// Throws Error naming the tensor when the models' names or shapes differ,
// or fewer than two are given.
void check_mergeable(const std::vector<const WeightSet*>& models);

// One-off merge with a fresh Merger. Throws UsageError for an unknown method
// or bad parameters, Error for mismatched models, a missing base or sizes,
// or a weight that is NaN or infinite (naming the tensor).
WeightSet merge_weights(const std::string& method, const MergeInputs& inputs, const ParamValues& params = {});
WeightSet merge_weights(const std::string& method, const std::vector<const WeightSet*>& sets);
WeightSet merge_weights(const std::string& method, const std::vector<WeightSet>& sets);

} // namespace mergelab
