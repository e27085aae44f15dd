#pragma once
// Precompiled for every core source: torch headers dominate compile time.
#include <torch/torch.h>
