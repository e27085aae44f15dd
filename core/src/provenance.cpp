#include "mergelab/provenance.h"

#include <algorithm>

#include "mergelab/error.h"
#include "mergelab/merge.h"

namespace mergelab {

int64_t TensorProvenance::elements() const {
    int64_t n = 0;
    for (int64_t c : counts)
        n += c;
    return n;
}

std::vector<double> TensorProvenance::shares() const {
    const int64_t n = elements();
    std::vector<double> out(counts.size(), 0.0);
    if (n == 0)
        return out;
    for (size_t k = 0; k < counts.size(); ++k)
        out[k] = static_cast<double>(counts[k]) / static_cast<double>(n);
    return out;
}

double barrier_of(const std::vector<InterpolationPoint>& points) {
    if (points.size() < 2)
        return 0;
    double lowest = points.front().test_acc;
    for (const auto& p : points)
        lowest = std::min(lowest, p.test_acc);
    return (points.front().test_acc + points.back().test_acc) / 2 - lowest;
}

ClassAccuracy class_accuracy(const ConfusionMatrix& confusion) {
    ClassAccuracy out(confusion.size());
    for (size_t c = 0; c < confusion.size(); ++c) {
        int64_t total = 0;
        for (int64_t n : confusion[c])
            total += n;
        if (total > 0)
            out[c] = static_cast<double>(confusion[c][c]) / static_cast<double>(total);
    }
    return out;
}

std::vector<int8_t> element_sources(const std::vector<const float*>& envs, const float* merged,
                                    size_t count) {
    std::vector<int8_t> out(count, -1);
    for (size_t i = 0; i < count; ++i)
        for (size_t k = 0; k < envs.size(); ++k)
            // == rather than bits: -0.0 and 0.0 are the same pick, and the
            // lowest environment holding the value is the one a tie goes to.
            if (envs[k][i] == merged[i]) {
                out[i] = static_cast<int8_t>(k);
                break;
            }
    return out;
}

std::vector<TensorProvenance> provenance(const std::vector<const WeightSet*>& envs, const WeightSet& merged) {
    check_mergeable(envs);
    if (envs.size() > 127)
        throw Error("provenance counts at most 127 environments");
    std::vector<const WeightSet*> all = envs;
    all.push_back(&merged);
    check_mergeable(all);
    std::vector<TensorProvenance> out;
    std::vector<const float*> inputs(envs.size());
    for (const NamedTensor& tensor : merged) {
        for (size_t k = 0; k < envs.size(); ++k)
            inputs[k] = find_tensor(*envs[k], tensor.name)->values.data();
        const size_t n = tensor.values.size();
        const auto sources = element_sources(inputs, tensor.values.data(), n);
        TensorProvenance p;
        p.tensor = tensor.name;
        p.counts.assign(envs.size(), 0);
        for (size_t i = 0; i < n; ++i) {
            if (sources[i] < 0)
                throw Error("tensor '" + tensor.name + "', element " + std::to_string(i) +
                            ": the merged value is no environment's value, so the method does not pick");
            ++p.counts[static_cast<size_t>(sources[i])];
            double mean = 0;
            for (const float* w : inputs)
                mean += w[i];
            if (mean * static_cast<double>(tensor.values[i]) < 0)
                ++p.sign_flips;
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<MethodProvenance> picking_provenance(const std::vector<std::string>& methods,
                                                 const std::vector<const WeightSet*>& envs,
                                                 const std::map<std::string, WeightSet>& merged) {
    std::vector<MethodProvenance> out;
    for (const auto& name : methods) {
        const MergeMethod* method = find_merge_method(name);
        const auto it = merged.find(name);
        if (!method || !method->picks || it == merged.end())
            continue;
        out.push_back({name, provenance(envs, it->second)});
    }
    return out;
}

} // namespace mergelab
