// The stateless merges beyond the paper: size-weighted average, median,
// trimmed mean (statistics per element) and task arithmetic, TIES (deltas
// from the round's starting model). Each accumulates in double and rounds
// once, so a float64 reference gives the same bits (tests/python).
#include <algorithm>
#include <cmath>

#include "merge_internal.h"
#include "mergelab/error.h"
#include "mergelab/i18n.h"

namespace mergelab {
namespace {

MergeMethod entry(const char* name, const char* label, const char* description, const char* reference,
                  std::vector<ParamSpec> params = {}) {
    MergeMethod m;
    m.name = name, m.label = label, m.description = description, m.reference = reference;
    m.params = std::move(params);
    return m;
}

// Sorted values of element i of every input, in double.
void sorted_column(const TensorInputs& in, size_t i, std::vector<double>& column) {
    for (size_t k = 0; k < in.models.size(); ++k)
        column[k] = in.models[k][i];
    std::sort(column.begin(), column.end());
}

WeightSet merge_wavg(const MergeInputs& inputs) {
    const auto weights = mean_weights(inputs, true, "wavg");
    return merge_by_tensor(inputs, false, [&](const TensorInputs& in, float* out) {
        for (size_t i = 0; i < in.count; ++i)
            out[i] = static_cast<float>(mean_of(in, i, weights));
    });
}

WeightSet merge_median(const MergeInputs& inputs) {
    return merge_by_tensor(inputs, false, [](const TensorInputs& in, float* out) {
        const size_t n = in.models.size();
        std::vector<double> column(n);
        for (size_t i = 0; i < in.count; ++i) {
            sorted_column(in, i, column);
            out[i] = static_cast<float>(n % 2 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2);
        }
    });
}

WeightSet merge_trimmed(const MergeInputs& inputs, double trim) {
    return merge_by_tensor(inputs, false, [trim](const TensorInputs& in, float* out) {
        const size_t n = in.models.size();
        // trim < 0.5 leaves at least one value.
        const size_t drop = static_cast<size_t>(std::floor(trim * double(n)));
        std::vector<double> column(n);
        for (size_t i = 0; i < in.count; ++i) {
            sorted_column(in, i, column);
            double sum = 0;
            for (size_t k = drop; k < n - drop; ++k)
                sum += column[k];
            out[i] = static_cast<float>(sum / double(n - 2 * drop));
        }
    });
}

// lambda's default is 1/N: the average of the models when they all
// started from base.
double lambda_for(const ParamValues& p, size_t n, double fallback_times_n) {
    if (auto it = p.find("lambda"); it != p.end())
        return it->second;
    return fallback_times_n / double(n);
}

WeightSet merge_task_arithmetic(const MergeInputs& inputs, const ParamValues& p) {
    const double lambda = lambda_for(p, inputs.models.size(), 1.0);
    return merge_by_tensor(inputs, true, [lambda](const TensorInputs& in, float* out) {
        for (size_t i = 0; i < in.count; ++i) {
            const double b = in.base[i];
            double sum = 0;
            for (const float* w : in.models)
                sum += double(w[i]) - b;
            out[i] = static_cast<float>(b + lambda * sum);
        }
    });
}

// Half away from zero, as std::round; written out because Python's round()
// goes to even and the reference must agree.
int64_t kept_entries(double density, size_t numel) {
    return std::max<int64_t>(1, static_cast<int64_t>(std::floor(density * double(numel) + 0.5)));
}

WeightSet merge_ties(const MergeInputs& inputs, double density, double lambda) {
    return merge_by_tensor(inputs, true, [=](const TensorInputs& in, float* out) {
        const size_t n = in.models.size();
        const int64_t keep = kept_entries(density, in.count);
        // Trim: each environment keeps its `keep` largest-magnitude deltas
        // of this tensor, and every delta tied with the smallest of them.
        std::vector<std::vector<double>> deltas(n, std::vector<double>(in.count));
        std::vector<double> magnitudes(in.count);
        for (size_t k = 0; k < n; ++k) {
            for (size_t i = 0; i < in.count; ++i) {
                deltas[k][i] = double(in.models[k][i]) - double(in.base[i]);
                magnitudes[i] = std::fabs(deltas[k][i]);
            }
            std::nth_element(magnitudes.begin(), magnitudes.begin() + (keep - 1), magnitudes.end(),
                             std::greater<double>());
            const double threshold = magnitudes[keep - 1];
            for (double& d : deltas[k])
                if (std::fabs(d) < threshold)
                    d = 0;
        }
        // Elect a sign per element, then average the deltas that agree.
        for (size_t i = 0; i < in.count; ++i) {
            double total = 0;
            for (size_t k = 0; k < n; ++k)
                total += deltas[k][i];
            double sum = 0;
            int agreeing = 0;
            for (size_t k = 0; k < n; ++k) {
                const double d = deltas[k][i];
                if (d != 0 && total != 0 && (d > 0) == (total > 0))
                    sum += d, ++agreeing;
            }
            const double merged = agreeing ? sum / agreeing : 0.0;
            out[i] = static_cast<float>(double(in.base[i]) + lambda * merged);
        }
    });
}

// A Merger from a plain function of the inputs: these methods keep no state.
template <typename F> std::unique_ptr<Merger> stateless(F f) {
    struct Impl : Merger {
        F f;
        explicit Impl(F fn)
            : f(std::move(fn)) {}
        WeightSet merge(const MergeInputs& in) override { return f(in); }
    };
    return std::make_unique<Impl>(std::move(f));
}

} // namespace

std::vector<MergeMethod> statistical_methods() {
    auto wavg =
        entry("wavg", QT_TRANSLATE_NOOP("mergelab", "Weighted average (FedAvg)"),
              QT_TRANSLATE_NOOP("mergelab",
                                "mean of the environments' weights weighted by their training-set sizes"),
              "McMahan et al., Communication-Efficient Learning of Deep Networks from Decentralized Data "
              "(FedAvg), AISTATS 2017");
    wavg.needs_sizes = true;
    wavg.make = [](const ParamValues&) { return stateless(merge_wavg); };
    auto median =
        entry("median", QT_TRANSLATE_NOOP("mergelab", "Median"),
              QT_TRANSLATE_NOOP("mergelab", "element-wise median (mean of the two middle values for even N)"),
              "Yin et al., Byzantine-Robust Distributed Learning, ICML 2018 (coordinate-wise median)");
    median.picks = false; // for even N it is a mean, not one environment's value
    median.make = [](const ParamValues&) { return stateless(merge_median); };
    auto trimmed =
        entry("trimmed-mean", QT_TRANSLATE_NOOP("mergelab", "Trimmed mean"),
              QT_TRANSLATE_NOOP(
                  "mergelab",
                  "per element, drop the floor(trim*N) smallest and largest values and average the rest"),
              "Yin et al., Byzantine-Robust Distributed Learning, ICML 2018 (coordinate-wise trimmed mean)",
              {param("trim", QT_TRANSLATE_NOOP("mergelab", "Trim"),
                     QT_TRANSLATE_NOOP("mergelab", "share of values dropped at each end"), 0.2, 0, 0.49)});
    trimmed.make = [trimmed](const ParamValues& p) {
        const double trim = param_value(trimmed, p, "trim");
        return stateless([trim](const MergeInputs& in) { return merge_trimmed(in, trim); });
    };
    return {wavg, median, trimmed};
}

std::vector<MergeMethod> task_vector_methods() {
    ParamSpec lambda{"lambda",
                     QT_TRANSLATE_NOOP("mergelab", "Scale"),
                     QT_TRANSLATE_NOOP("mergelab", "scale of the summed deltas (1/N: their mean)"),
                     0.5,
                     0,
                     10,
                     "1/N"};
    auto task =
        entry("task-arithmetic", QT_TRANSLATE_NOOP("mergelab", "Task arithmetic"),
              QT_TRANSLATE_NOOP("mergelab", "start model + lambda * sum of the environments' deltas from it"),
              "Ilharco et al., Editing Models with Task Arithmetic, ICLR 2023", {lambda});
    task.needs_base = true;
    task.make = [](const ParamValues& p) {
        return stateless([p](const MergeInputs& in) { return merge_task_arithmetic(in, p); });
    };
    lambda.default_value = 1, lambda.default_text = "",
    lambda.help = QT_TRANSLATE_NOOP("mergelab", "scale of the merged delta");
    auto ties = entry(
        "ties", "TIES",
        QT_TRANSLATE_NOOP(
            "mergelab",
            "trim each delta to its largest entries, elect a sign per weight, average the deltas that "
            "agree"),
        "Yadav et al., TIES-Merging: Resolving Interference When Merging Models, NeurIPS 2023",
        {param("density", QT_TRANSLATE_NOOP("mergelab", "Density"),
               QT_TRANSLATE_NOOP("mergelab", "share of each delta's entries kept (per tensor)"), 0.2, 0, 1),
         lambda});
    ties.needs_base = true;
    ties.make = [ties](const ParamValues& p) {
        const double density = param_value(ties, p, "density"), scale = param_value(ties, p, "lambda");
        return stateless([=](const MergeInputs& in) { return merge_ties(in, density, scale); });
    };
    return {task, ties};
}

double mean_of(const TensorInputs& in, size_t i, const std::vector<double>& weights) {
    double sum = 0;
    if (weights.empty()) {
        for (const float* w : in.models)
            sum += w[i];
        return sum / double(in.models.size());
    }
    double total = 0;
    for (size_t k = 0; k < in.models.size(); ++k)
        sum += weights[k] * in.models[k][i], total += weights[k];
    return sum / total;
}

std::vector<double> mean_weights(const MergeInputs& inputs, bool weighted, const std::string& method) {
    if (!weighted)
        return {};
    if (inputs.sizes.size() != inputs.models.size())
        throw Error(method + " needs each environment's training-set size (" +
                    std::to_string(inputs.models.size()) + " models, " + std::to_string(inputs.sizes.size()) +
                    " sizes)");
    std::vector<double> weights;
    for (size_t k = 0; k < inputs.sizes.size(); ++k) {
        if (inputs.sizes[k] <= 0)
            throw Error(method + ": environment " + std::to_string(k + 1) +
                        "'s training-set size must be positive, "
                        "got " +
                        std::to_string(inputs.sizes[k]));
        weights.push_back(double(inputs.sizes[k]));
    }
    return weights;
}

} // namespace mergelab
