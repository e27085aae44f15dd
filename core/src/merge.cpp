#include "mergelab/merge.h"

#include <algorithm>
#include <cmath>

#include "merge_internal.h"
#include "mergelab/error.h"
#include "mergelab/i18n.h"
#include "mergelab/text.h"

namespace mergelab {
namespace {

// Each kernel combines element i of every input. Accumulating the average in
// double and rounding once keeps it the exact rounded mean for two inputs and
// independent of summation order effects in float.
void merge_avg(const std::vector<const float*>& in, float* out, size_t count) {
    const double n = static_cast<double>(in.size());
    for (size_t i = 0; i < count; ++i) {
        double sum = 0;
        for (const float* w : in)
            sum += w[i];
        out[i] = static_cast<float>(sum / n);
    }
}

void merge_max(const std::vector<const float*>& in, float* out, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        float best = in[0][i];
        for (size_t k = 1; k < in.size(); ++k)
            best = std::max(best, in[k][i]);
        out[i] = best;
    }
}

// Largest magnitude wins with its sign; a strict '>' means an exact tie goes to
// the lowest-numbered environment.
void merge_absmax(const std::vector<const float*>& in, float* out, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        float best = in[0][i];
        for (size_t k = 1; k < in.size(); ++k)
            if (std::fabs(in[k][i]) > std::fabs(best))
                best = in[k][i];
        out[i] = best;
    }
}

class ElementwiseMerger : public Merger {
public:
    explicit ElementwiseMerger(MergeKernel kernel)
        : kernel_(kernel) {}
    WeightSet merge(const MergeInputs& in) override {
        return merge_by_tensor(
            in, false, [this](const TensorInputs& t, float* out) { kernel_(t.models, out, t.count); });
    }

private:
    MergeKernel kernel_;
};

MergeMethod elementwise(const char* name, const char* label, const char* description, const char* reference,
                        MergeKernel kernel, bool picks) {
    MergeMethod m;
    m.name = name;
    m.label = label;
    m.description = description;
    m.reference = reference;
    m.picks = picks;
    m.make = [kernel](const ParamValues&) { return elementwise_merger(kernel); };
    return m;
}

const char* kPaper =
    "Lee et al., Integration of neural network models trained in different environments, formulas 1-3";

std::vector<MergeMethod> builtin_methods() {
    std::vector<MergeMethod> all{
        elementwise("avg", QT_TRANSLATE_NOOP("mergelab", "Average"),
                    QT_TRANSLATE_NOOP("mergelab", "element-wise mean of the environments' weights"), kPaper,
                    merge_avg, false),
        elementwise("max", QT_TRANSLATE_NOOP("mergelab", "Maximum"),
                    QT_TRANSLATE_NOOP("mergelab", "element-wise maximum of the environments' weights"),
                    kPaper, merge_max, true),
        elementwise("absmax", QT_TRANSLATE_NOOP("mergelab", "Largest magnitude"),
                    QT_TRANSLATE_NOOP("mergelab",
                                      "the value of largest magnitude, its sign kept (ties: lowest "
                                      "environment)"),
                    kPaper, merge_absmax, true),
    };
    for (auto part : {statistical_methods(), task_vector_methods(), server_optimizers()})
        all.insert(all.end(), part.begin(), part.end());
    return all;
}

std::string known_methods() {
    std::string known;
    for (const auto& n : merge_method_names())
        known += (known.empty() ? "" : ", ") + n;
    return known;
}

} // namespace

const std::vector<MergeMethod>& merge_methods() {
    static const std::vector<MergeMethod> methods = builtin_methods();
    return methods;
}

std::vector<std::string> merge_method_names() {
    return entry_names(merge_methods());
}

const MergeMethod* find_merge_method(const std::string& name) {
    return find_entry(merge_methods(), name);
}

std::unique_ptr<Merger> elementwise_merger(MergeKernel kernel) {
    return std::make_unique<ElementwiseMerger>(kernel);
}

void check_mergeable(const std::vector<const WeightSet*>& models) {
    if (models.size() < 2)
        throw Error("merging needs at least two weight sets, got " + std::to_string(models.size()));
    const WeightSet& first = *models[0];
    for (size_t k = 1; k < models.size(); ++k) {
        const WeightSet& other = *models[k];
        const std::string which = "model " + std::to_string(k + 1);
        if (other.size() != first.size())
            throw Error("cannot merge: model 1 has " + std::to_string(first.size()) + " tensors, " + which +
                        " has " + std::to_string(other.size()));
        for (const auto& tensor : first) {
            const NamedTensor* match = find_tensor(other, tensor.name);
            if (!match) {
                std::string extra;
                for (const auto& t : other)
                    if (!find_tensor(first, t.name))
                        extra = t.name;
                throw Error("cannot merge: tensor '" + tensor.name + "' of model 1 is missing in " + which +
                            (extra.empty() ? "" : ", which has '" + extra + "' instead"));
            }
            if (match->shape != tensor.shape)
                throw Error("cannot merge: tensor '" + tensor.name + "' has shape " +
                            shape_to_string(tensor.shape) + " in model 1 but " +
                            shape_to_string(match->shape) + " in " + which);
        }
    }
}

// NaN or infinity in one weight would spread through every merge silently.
void check_finite(const NamedTensor& t, const std::string& which) {
    for (size_t i = 0; i < t.values.size(); ++i)
        if (!std::isfinite(t.values[i]))
            throw Error(which + ": tensor '" + printable(t.name, 200) + "' holds " +
                        (std::isnan(t.values[i]) ? "NaN" : "an infinite value") + " at element " +
                        std::to_string(i) + "; a diverged model is refused");
}

void check_finite(const WeightSet& weights, const std::string& which) {
    for (const auto& t : weights)
        check_finite(t, which);
}

WeightSet merge_by_tensor(const MergeInputs& inputs, bool use_base,
                          const std::function<void(const TensorInputs&, float* out)>& fill) {
    check_mergeable(inputs.models);
    if (use_base && !inputs.base)
        throw Error("this merge needs the model the environments started from");
    for (size_t k = 0; k < inputs.models.size(); ++k)
        check_finite(*inputs.models[k], "model " + std::to_string(k + 1));
    const WeightSet& first = *inputs.models[0];
    WeightSet merged;
    merged.reserve(first.size());
    TensorInputs in;
    in.models.resize(inputs.models.size());
    for (const auto& tensor : first) {
        in.first = &tensor;
        in.count = tensor.values.size();
        // By name: the models' files may list their tensors in other orders.
        for (size_t k = 0; k < inputs.models.size(); ++k)
            in.models[k] = find_tensor(*inputs.models[k], tensor.name)->values.data();
        if (use_base) {
            const NamedTensor* b = find_tensor(*inputs.base, tensor.name);
            if (!b || b->shape != tensor.shape)
                throw Error("cannot merge: tensor '" + tensor.name + "' " +
                            (b ? "has shape " + shape_to_string(b->shape) + " in the base model but " +
                                     shape_to_string(tensor.shape) + " in model 1"
                               : "is missing in the base model"));
            check_finite(*b, "the base model");
            in.base = b->values.data();
        }
        NamedTensor out{tensor.name, tensor.shape, std::vector<float>(in.count)};
        fill(in, out.values.data());
        merged.push_back(std::move(out));
    }
    return merged;
}

bool needs_sizes(const MergeMethod& method, const ParamValues& params) {
    if (method.needs_sizes)
        return true;
    auto it = params.find("weighted");
    return it != params.end() && it->second != 0;
}

WeightSet merge_weights(const std::string& method, const MergeInputs& inputs, const ParamValues& params) {
    const MergeMethod* m = find_merge_method(method);
    if (!m)
        throw UsageError("unknown merge method '" + method + "' (known: " + known_methods() + ")");
    check_params(*m, params, method);
    if (m->needs_base && !inputs.base)
        throw Error(method + " needs the model the environments started from");
    if (needs_sizes(*m, params) && inputs.sizes.size() != inputs.models.size())
        throw Error(method + " needs each environment's training-set size");
    return m->make(params)->merge(inputs);
}

WeightSet merge_weights(const std::string& method, const std::vector<const WeightSet*>& sets) {
    MergeInputs inputs;
    inputs.models = sets;
    return merge_weights(method, inputs);
}

WeightSet merge_weights(const std::string& method, const std::vector<WeightSet>& sets) {
    std::vector<const WeightSet*> pointers;
    for (const auto& s : sets)
        pointers.push_back(&s);
    return merge_weights(method, pointers);
}

} // namespace mergelab
