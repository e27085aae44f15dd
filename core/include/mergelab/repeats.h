#pragma once
// The spread of a run made with several seeds: per strategy the mean,
// sample standard deviation and 95 % Student-t interval of its final
// accuracy and of the mean of its last rounds, and a paired comparison with
// the primary strategy seed by seed. Plain C++ in and out.
#include <cstdint>
#include <string>
#include <vector>

#include "mergelab/experiment.h"

namespace mergelab {

// Rounds whose mean is the steadier figure beside the final accuracy.
constexpr int kLastRounds = 10;

// The p-quantile of Student's t distribution with `df` degrees of freedom
// (p in (0, 1), df >= 1): t_quantile(0.975, 2) = 4.302653.
double t_quantile(double p, int df);

struct Spread {
    int n = 0;
    double mean = 0;
    double sd = 0;         // sample standard deviation (n - 1); 0 for one value
    double lo = 0, hi = 0; // 95 % t interval of the mean; both the mean for one value
    double min = 0, max = 0;
};
// Of any values (fractions stay fractions); n = 0 for none.
Spread spread_of(const std::vector<double>& values);

struct StrategySpread {
    std::string strategy;        // the method (compare mode) or lane (lanes mode)
    std::vector<uint64_t> seeds; // whose runs have rounds, in order
    Spread final_acc;            // the last round's test accuracy
    Spread last_acc;             // the mean of the last kLastRounds rounds (or all)
    // This strategy minus the primary, seed by seed over the seeds both
    // have; n = 0 for the primary itself.
    Spread diff_final, diff_last;
};

struct RepeatsSummary {
    std::string primary; // the first strategy: what every other is compared with
    int seeds = 0;       // distinct seeds over all runs
    std::vector<StrategySpread> strategies;
};

// Every strategy of `runs` (each compared method, or each lane), its seeds
// being the runs' config.seed. Works for one seed too (no intervals then).
RepeatsSummary summarize_repeats(const std::vector<const RunResult*>& runs);
RepeatsSummary summarize_repeats(const std::vector<RunResult>& runs);

// The accuracy of one strategy round by round across seeds, for a chart.
struct RoundSpread {
    int round = 0;
    Spread acc; // over the seeds that reached this round
    // The bytes that had travelled by the end of this round in the run that
    // carried the strategy, over the same seeds: for a chart against
    // traffic. All zero in runs saved before the counts existed.
    Spread traffic;
};
std::vector<RoundSpread> accuracy_by_round(const std::vector<const RunResult*>& runs,
                                           const std::string& strategy);

// The table the CLI prints after a run with repeats and in `show`, in %.
std::string format_repeats_table(const RepeatsSummary& summary);

} // namespace mergelab
