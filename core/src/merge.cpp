#include "mergelab/merge.h"

#include <algorithm>
#include <cmath>

#include "mergelab/error.h"

namespace mergelab {
namespace {

// Each kernel combines element i of every input. Accumulating the average in
// double and rounding once keeps it the exact rounded mean for two inputs and
// independent of summation order effects in float.
void merge_avg(const std::vector<const float*>& in, float* out, size_t count) {
    const double n = static_cast<double>(in.size());
    for (size_t i = 0; i < count; ++i) {
        double sum = 0;
        for (const float* w : in) sum += w[i];
        out[i] = static_cast<float>(sum / n);
    }
}

void merge_max(const std::vector<const float*>& in, float* out, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        float best = in[0][i];
        for (size_t k = 1; k < in.size(); ++k) best = std::max(best, in[k][i]);
        out[i] = best;
    }
}

// Largest magnitude wins with its sign; a strict '>' means an exact tie goes to
// the lowest-numbered environment.
void merge_absmax(const std::vector<const float*>& in, float* out, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        float best = in[0][i];
        for (size_t k = 1; k < in.size(); ++k)
            if (std::fabs(in[k][i]) > std::fabs(best)) best = in[k][i];
        out[i] = best;
    }
}

} // namespace

const std::vector<MergeMethod>& merge_methods() {
    static const std::vector<MergeMethod> methods = {
        {"avg", "element-wise mean of the environments' weights", merge_avg},
        {"max", "element-wise maximum", merge_max},
        {"absmax", "the value of largest magnitude, sign kept", merge_absmax},
    };
    return methods;
}

std::vector<std::string> merge_method_names() {
    std::vector<std::string> names;
    for (const auto& m : merge_methods()) names.push_back(m.name);
    return names;
}

const MergeMethod* find_merge_method(const std::string& name) {
    for (const auto& m : merge_methods())
        if (m.name == name) return &m;
    return nullptr;
}

WeightSet merge_weights(const std::string& method, const std::vector<const WeightSet*>& sets) {
    const MergeMethod* m = find_merge_method(method);
    if (!m) {
        std::string known;
        for (const auto& n : merge_method_names()) known += (known.empty() ? "" : ", ") + n;
        throw UsageError("unknown merge method '" + method + "' (known: " + known + ")");
    }
    if (sets.size() < 2) throw Error("merging needs at least two weight sets, got " + std::to_string(sets.size()));
    const WeightSet& first = *sets[0];
    for (size_t k = 1; k < sets.size(); ++k) {
        const WeightSet& other = *sets[k];
        if (other.size() != first.size())
            throw Error("cannot merge: model 1 has " + std::to_string(first.size()) + " tensors, model " +
                        std::to_string(k + 1) + " has " + std::to_string(other.size()));
        for (size_t t = 0; t < first.size(); ++t) {
            if (other[t].name != first[t].name)
                throw Error("cannot merge: tensor " + std::to_string(t) + " is '" + first[t].name +
                            "' in model 1 but '" + other[t].name + "' in model " + std::to_string(k + 1));
            if (other[t].shape != first[t].shape)
                throw Error("cannot merge: tensor '" + first[t].name + "' has shape " +
                            shape_to_string(first[t].shape) + " in model 1 but " +
                            shape_to_string(other[t].shape) + " in model " + std::to_string(k + 1));
        }
    }
    WeightSet merged;
    merged.reserve(first.size());
    std::vector<const float*> inputs(sets.size());
    for (size_t t = 0; t < first.size(); ++t) {
        NamedTensor out{first[t].name, first[t].shape, std::vector<float>(first[t].values.size())};
        for (size_t k = 0; k < sets.size(); ++k) inputs[k] = (*sets[k])[t].values.data();
        m->kernel(inputs, out.values.data(), out.values.size());
        merged.push_back(std::move(out));
    }
    return merged;
}

WeightSet merge_weights(const std::string& method, const std::vector<WeightSet>& sets) {
    std::vector<const WeightSet*> pointers;
    for (const auto& s : sets) pointers.push_back(&s);
    return merge_weights(method, pointers);
}

} // namespace mergelab
