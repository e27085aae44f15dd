#pragma once
// Where the elements of a picking merge (max, absmax: every element is one
// environment's value) came from, counted per tensor.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mergelab/insight.h"
#include "mergelab/weights.h"

namespace mergelab {

// Per element: the lowest environment whose value equals the merged one
// (absmax and max both give exact ties to the lowest), or -1 when no
// environment's value equals it (the method blends rather than picks).
std::vector<int8_t> element_sources(const std::vector<const float*>& envs, const float* merged, size_t count);

// Per tensor of `merged` (matched by name in every environment): counts of
// element_sources and the elements whose sign is opposite to the
// environments' mean. Throws Error naming the tensor when an element matches
// no environment, or when the models do not fit together.
std::vector<TensorProvenance> provenance(const std::vector<const WeightSet*>& envs, const WeightSet& merged);

// provenance() of each method in `methods` whose registry entry picks; the
// others are left out.
std::vector<MethodProvenance> picking_provenance(const std::vector<std::string>& methods,
                                                 const std::vector<const WeightSet*>& envs,
                                                 const std::map<std::string, WeightSet>& merged);

} // namespace mergelab
