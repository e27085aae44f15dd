#pragma once
// What the views draw: a run (finished, in progress or opened from disk),
// shared read-only between them. Views never modify it.
#include <memory>

#include "mergelab/dataset.h"
#include "mergelab/experiment.h"

namespace mergelab::ui {

using RunPtr = std::shared_ptr<const RunResult>;
using DataPtr = std::shared_ptr<const FashionMnist>;

} // namespace mergelab::ui
