#include "mergelab/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mergelab {

Stats tensor_stats(const std::vector<float>& values) {
    Stats s;
    if (values.empty())
        return s;
    double sum = 0, sum_sq = 0;
    float lo = values[0], hi = values[0];
    for (float v : values) {
        sum += v;
        sum_sq += double(v) * v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    const double n = static_cast<double>(values.size());
    s.mean = sum / n;
    s.std = std::sqrt(std::max(0.0, sum_sq / n - s.mean * s.mean));
    s.min = lo;
    s.max = hi;
    return s;
}

namespace {

std::vector<int64_t> count_bins(const std::vector<float>& values, double lo, double hi, int bins) {
    std::vector<int64_t> counts(bins, 0);
    const double width = hi > lo ? (hi - lo) / bins : 1.0;
    for (float v : values) {
        // NaN lands in the first bin rather than being lost.
        int b = std::isnan(v) ? 0 : static_cast<int>((v - lo) / width);
        counts[std::clamp(b, 0, bins - 1)] += 1;
    }
    return counts;
}

} // namespace

LayerHistogram make_layer_histogram(const std::string& tensor,
                                    const std::vector<const std::vector<float>*>& envs,
                                    const std::map<std::string, const std::vector<float>*>& merged,
                                    int bins) {
    LayerHistogram h;
    h.tensor = tensor;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    auto widen = [&](const std::vector<float>& v) {
        for (float x : v)
            if (std::isfinite(x))
                lo = std::min(lo, double(x)), hi = std::max(hi, double(x));
    };
    for (const auto* v : envs)
        widen(*v);
    for (const auto& [name, v] : merged)
        widen(*v);
    if (!(lo <= hi))
        lo = hi = 0;
    h.lo = lo;
    h.hi = hi;
    for (const auto* v : envs) {
        h.envs.push_back(count_bins(*v, lo, hi, bins));
        h.env_stats.push_back(tensor_stats(*v));
    }
    for (const auto& [name, v] : merged) {
        h.merged[name] = count_bins(*v, lo, hi, bins);
        h.merged_stats[name] = tensor_stats(*v);
    }
    return h;
}

std::vector<LayerHistogram> make_histograms(const std::vector<WeightSet>& envs,
                                            const std::map<std::string, WeightSet>& merged, int bins) {
    std::vector<LayerHistogram> out;
    if (envs.empty())
        return out;
    for (size_t t = 0; t < envs[0].size(); ++t) {
        std::vector<const std::vector<float>*> env_values;
        for (const auto& e : envs)
            env_values.push_back(&e[t].values);
        std::map<std::string, const std::vector<float>*> merged_values;
        for (const auto& [name, set] : merged)
            merged_values[name] = &set[t].values;
        out.push_back(make_layer_histogram(envs[0][t].name, env_values, merged_values, bins));
    }
    return out;
}

} // namespace mergelab
