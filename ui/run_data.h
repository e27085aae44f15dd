#pragma once
// What the views draw: a run (finished, in progress or opened from disk),
// shared read-only between them. Views never modify it.
#include <memory>

#include "mergelab/dataset.h"
#include "mergelab/experiment.h"

namespace mergelab::ui {

using RunPtr = std::shared_ptr<const RunResult>;
using DataPtr = std::shared_ptr<const FashionMnist>;

// The round numbered `round` (from 1); 0 or past the end: the last one, so a
// view follows a run that is still growing. Null when the run has no rounds.
inline const RoundResult* find_round(const RunResult* run, int round) {
    if (!run || run->rounds.empty())
        return nullptr;
    if (round >= 1)
        for (const RoundResult& r : run->rounds)
            if (r.round == round)
                return &r;
    return &run->rounds.back();
}

} // namespace mergelab::ui
