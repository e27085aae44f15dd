#pragma once
// The engine's side of interpolation: on test tensors it already holds, on
// the calling thread's torch threads. Internal to the core.
#include <torch/torch.h>

#include "mergelab/interpolation.h"

namespace mergelab {

InterpolationPath interpolation_path(const std::string& arch, const WeightSet& a, const WeightSet& b,
                                     const torch::Tensor& images_u8, const torch::Tensor& labels, int points);

} // namespace mergelab
