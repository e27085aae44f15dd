#pragma once
// Per-layer weight histograms over one shared range, so the environments'
// and the merged models' distributions can be overlaid bin for bin.
#include <map>
#include <string>
#include <vector>

#include "mergelab/experiment.h"
#include "mergelab/weights.h"

namespace mergelab {

Stats tensor_stats(const std::vector<float>& values);

// One histogram of `bins` bins for every model's copy of `tensor`, over the
// range [min, max] of all of them together (the maximum falls in the last
// bin). Every element is counted exactly once.
LayerHistogram make_layer_histogram(const std::string& tensor,
                                    const std::vector<const std::vector<float>*>& envs,
                                    const std::map<std::string, const std::vector<float>*>& merged, int bins);

// A histogram per tensor of the architecture.
std::vector<LayerHistogram> make_histograms(const std::vector<WeightSet>& envs,
                                            const std::map<std::string, WeightSet>& merged, int bins);

} // namespace mergelab
