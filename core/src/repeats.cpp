#include "mergelab/repeats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

namespace mergelab {

namespace {

// The regularised incomplete beta function I_x(a, b), by its continued
// fraction evaluated with the modified Lentz method; the fraction converges
// fast for x < (a + 1) / (a + b + 2), and the symmetry I_x(a, b) =
// 1 - I_{1-x}(b, a) covers the rest.
double beta_fraction(double a, double b, double x) {
    constexpr double tiny = 1e-300;
    const auto guard = [](double v) { return std::fabs(v) < tiny ? tiny : v; };
    double c = 1;
    double d = 1 / guard(1 - (a + b) * x / (a + 1));
    double h = d;
    for (int m = 1; m <= 500; ++m) {
        const double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
        d = 1 / guard(1 + even * d);
        c = guard(1 + even / c);
        h *= d * c;
        const double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
        d = 1 / guard(1 + odd * d);
        c = guard(1 + odd / c);
        const double step = d * c;
        h *= step;
        if (std::fabs(step - 1) < 1e-15)
            break;
    }
    return h;
}

double incomplete_beta(double a, double b, double x) {
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const double front =
        std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_fraction(a, b, x) / a;
    return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

// P(T <= t) for Student's t with df degrees of freedom.
double t_cdf(double t, int df) {
    const double tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    return t >= 0 ? 1 - tail : tail;
}

bool in_strategy(const RunResult& run, const std::string& strategy) {
    if (!run.lane.empty())
        return run.lane == strategy;
    const auto methods = evaluated_methods(run.config);
    return std::find(methods.begin(), methods.end(), strategy) != methods.end();
}

struct SeedFigures {
    double final_acc = 0;
    double last_acc = 0;
};

// The strategy's figures per seed, from the runs that have rounds.
std::map<uint64_t, SeedFigures> figures_of(const std::vector<const RunResult*>& runs,
                                           const std::string& strategy) {
    std::map<uint64_t, SeedFigures> out;
    for (const RunResult* one : runs) {
        const RunResult& run = *one;
        if (run.rounds.empty() || !in_strategy(run, strategy))
            continue;
        const MethodMetrics* last = run.rounds.back().method(strategy);
        if (!last)
            continue;
        const size_t n = std::min(run.rounds.size(), size_t(kLastRounds));
        double sum = 0;
        size_t counted = 0;
        for (size_t i = run.rounds.size() - n; i < run.rounds.size(); ++i)
            if (const MethodMetrics* m = run.rounds[i].method(strategy)) {
                sum += m->test_acc;
                ++counted;
            }
        out[run.config.seed] = {last->test_acc, counted ? sum / double(counted) : last->test_acc};
    }
    return out;
}

std::string percent(const Spread& s, bool signed_mean) {
    char buf[96];
    if (s.n == 0)
        return "-";
    if (s.n < 2)
        std::snprintf(buf, sizeof buf, signed_mean ? "%+.2f" : "%.2f", 100 * s.mean);
    else
        std::snprintf(buf, sizeof buf,
                      signed_mean ? "%+.2f ± %.2f [%+.2f, %+.2f]" : "%.2f ± %.2f [%.2f, %.2f]", 100 * s.mean,
                      100 * s.sd, 100 * s.lo, 100 * s.hi);
    return buf;
}

} // namespace

// Hand-written: Debian offers no C++ statistics library worth a dependency
// for one quantile (Boost.Math would be the only candidate), and bisection
// on the t distribution function is exact to ~1e-12 for every df.
double t_quantile(double p, int df) {
    if (!(p > 0 && p < 1) || df < 1)
        return std::numeric_limits<double>::quiet_NaN();
    if (p < 0.5)
        return -t_quantile(1 - p, df);
    double hi = 1;
    while (t_cdf(hi, df) < p && hi < 1e12)
        hi *= 2;
    double lo = 0;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (t_cdf(mid, df) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

Spread spread_of(const std::vector<double>& values) {
    Spread s;
    s.n = int(values.size());
    if (values.empty())
        return s;
    double sum = 0;
    for (double v : values)
        sum += v;
    s.mean = sum / s.n;
    s.min = *std::min_element(values.begin(), values.end());
    s.max = *std::max_element(values.begin(), values.end());
    s.lo = s.hi = s.mean;
    if (s.n < 2)
        return s;
    double squares = 0;
    for (double v : values)
        squares += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(squares / (s.n - 1));
    const double half = t_quantile(0.975, s.n - 1) * s.sd / std::sqrt(double(s.n));
    s.lo = s.mean - half;
    s.hi = s.mean + half;
    return s;
}

RepeatsSummary summarize_repeats(const std::vector<RunResult>& runs) {
    std::vector<const RunResult*> pointers;
    for (const auto& run : runs)
        pointers.push_back(&run);
    return summarize_repeats(pointers);
}

RepeatsSummary summarize_repeats(const std::vector<const RunResult*>& runs) {
    RepeatsSummary out;
    std::vector<std::string> names;
    std::vector<uint64_t> seeds;
    for (const RunResult* one : runs) {
        const RunResult& run = *one;
        const auto strategies =
            run.lane.empty() ? evaluated_methods(run.config) : std::vector<std::string>{run.lane};
        for (const auto& s : strategies)
            if (std::find(names.begin(), names.end(), s) == names.end())
                names.push_back(s);
        if (std::find(seeds.begin(), seeds.end(), run.config.seed) == seeds.end())
            seeds.push_back(run.config.seed);
    }
    out.seeds = int(seeds.size());
    if (names.empty())
        return out;
    out.primary = names.front();
    const auto primary = figures_of(runs, out.primary);
    for (const auto& name : names) {
        StrategySpread s;
        s.strategy = name;
        std::vector<double> finals, lasts, diff_finals, diff_lasts;
        for (const auto& [seed, f] : figures_of(runs, name)) {
            s.seeds.push_back(seed);
            finals.push_back(f.final_acc);
            lasts.push_back(f.last_acc);
            const auto p = primary.find(seed);
            if (name != out.primary && p != primary.end()) {
                diff_finals.push_back(f.final_acc - p->second.final_acc);
                diff_lasts.push_back(f.last_acc - p->second.last_acc);
            }
        }
        s.final_acc = spread_of(finals);
        s.last_acc = spread_of(lasts);
        s.diff_final = spread_of(diff_finals);
        s.diff_last = spread_of(diff_lasts);
        out.strategies.push_back(s);
    }
    return out;
}

std::vector<RoundSpread> accuracy_by_round(const std::vector<const RunResult*>& runs,
                                           const std::string& strategy) {
    std::map<int, std::vector<double>> acc, traffic;
    for (const RunResult* one : runs) {
        const RunResult& run = *one;
        if (!in_strategy(run, strategy))
            continue;
        int64_t bytes = 0;
        for (const auto& r : run.rounds) {
            bytes += r.traffic();
            if (const MethodMetrics* m = r.method(strategy)) {
                acc[r.round].push_back(m->test_acc);
                traffic[r.round].push_back(double(bytes));
            }
        }
    }
    std::vector<RoundSpread> out;
    for (const auto& [round, values] : acc)
        out.push_back({round, spread_of(values), spread_of(traffic[round])});
    return out;
}

std::string format_repeats_table(const RepeatsSummary& summary) {
    std::ostringstream out;
    out << "test accuracy over " << summary.seeds << " seeds, in %: mean ± sd [95 % interval]; last "
        << kLastRounds << ": the mean of the last " << kLastRounds << " rounds (or all); paired: minus "
        << summary.primary << ", seed by seed\n";
    for (const auto& s : summary.strategies) {
        out << s.strategy << " (" << s.final_acc.n << " seeds)\n";
        out << "  final    " << percent(s.final_acc, false) << '\n';
        out << "  last " << kLastRounds << "  " << percent(s.last_acc, false) << '\n';
        if (s.strategy != summary.primary) {
            out << "  paired final    " << percent(s.diff_final, true) << '\n';
            out << "  paired last " << kLastRounds << "  " << percent(s.diff_last, true) << '\n';
        }
    }
    return out.str();
}

} // namespace mergelab
