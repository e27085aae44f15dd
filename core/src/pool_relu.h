#pragma once
// relu(max_pool2d(x, 2)) as one autograd function. Internal to the core.
//
// PyTorch's max_pool2d keeps an int64 index per output and its backward
// first zero-fills the whole input gradient, then scatters; followed by a
// separate ReLU and its backward, that is four passes over large tensors per
// layer and took about a quarter of a training step. Here the forward makes
// one pass and keeps a byte per output (which of the four inputs won, or none
// when the ReLU clipped it); the backward writes each input gradient once.
// Results and gradients equal the two-op version exactly, ties and NaN
// included: the first maximum in row-major order wins, NaN beats any number.
#include <torch/torch.h>

namespace mergelab {

// x: float32 N x C x H x W (any H, W >= 2; an odd last row/column is
// dropped, as max_pool2d does). Returns N x C x H/2 x W/2.
torch::Tensor max_pool2_relu(const torch::Tensor& x);

} // namespace mergelab
