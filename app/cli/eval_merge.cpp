// The model-file subcommands: merge saved models, align one to another,
// evaluate one.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <limits>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "mergelab/align.h"
#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "mergelab/strategy.h"
#include "mergelab/text.h"

namespace mergelab::cli {

namespace {

struct MergeOptions {
    std::vector<std::string> inputs;
    std::string method = "avg";
    std::string base;
    std::vector<std::string> sizes;  // as typed: parsed strictly, never clamped
    std::vector<std::string> params; // key=value
    bool align = false;
    std::string output;
};

// --param key=value ... as the method's parameters; refusals name --param.
ParamValues merge_params(const MergeMethod& m, const std::vector<std::string>& given) {
    std::string joined;
    for (const auto& p : given)
        joined += (joined.empty() ? "" : ",") + p;
    try {
        return parse_method_choice(joined.empty() ? m.name : m.name + ":" + joined).params;
    } catch (const UsageError& e) {
        throw UsageError("--param: " + std::string(e.what()));
    }
}

// A training-set size: a whole number from 1 up; anything else, or past
// 64 bits, is refused as typed rather than clamped.
int64_t parse_size(const std::string& text) {
    const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    errno = 0;
    const long long v = digits ? std::strtoll(text.c_str(), nullptr, 10) : 0;
    if (!digits || errno == ERANGE || v < 1)
        throw UsageError("--sizes: each size must be a whole number from 1 to " +
                         std::to_string(std::numeric_limits<int64_t>::max()) + ", got '" +
                         printable(text, 40) + "'");
    return v;
}

// "-o" names a file to write: an empty path is a usage error, not a failed write.
void check_output(const std::string& path) {
    if (path.empty())
        throw UsageError("-o must name a file, got an empty path");
}

// A merge of finite models can still overflow (task-arithmetic with a large
// lambda); such a model is refused like a diverged input, before writing.
void check_merged_finite(const WeightSet& merged, const std::string& method) {
    for (const auto& t : merged)
        for (size_t i = 0; i < t.values.size(); ++i)
            if (!std::isfinite(t.values[i]))
                throw Error("merging with " + method + " gives tensor '" + printable(t.name, 200) + "' " +
                            (std::isnan(t.values[i]) ? "NaN" : "an infinite value") + " at element " +
                            std::to_string(i) + "; nothing was written");
}

void run_merge(const MergeOptions& o) {
    const MergeMethod& m = *find_merge_method(o.method);
    MergeInputs inputs;
    for (const auto& text : o.sizes)
        inputs.sizes.push_back(parse_size(text));
    const ParamValues params = merge_params(m, o.params);
    if (m.needs_base && o.base.empty())
        throw UsageError("--base is required: " + m.name +
                         " works on each model's difference from the model they "
                         "all started from");
    if (needs_sizes(m, params) && o.sizes.empty())
        throw UsageError("--sizes is required: " + m.name + " weights each model by its training-set size");
    if (!o.sizes.empty() && o.sizes.size() != o.inputs.size())
        throw UsageError("--sizes gives " + std::to_string(o.sizes.size()) + " sizes for " +
                         std::to_string(o.inputs.size()) + " models");
    std::vector<WeightSet> sets;
    for (const auto& path : o.inputs)
        sets.push_back(load_state_dict(path));
    WeightSet base;
    if (!o.base.empty())
        base = load_state_dict(o.base), inputs.base = &base;
    // Check each file on its own first, so a message names the file at fault.
    for (size_t k = 0; k < sets.size(); ++k) {
        check_finite(sets[k], o.inputs[k]);
        if (k == 0)
            continue;
        try {
            check_mergeable({&sets[0], &sets[k]});
        } catch (const Error& e) {
            throw Error(o.inputs[k] + " does not match " + o.inputs[0] + ": " + e.what());
        }
    }
    if (inputs.base) {
        check_finite(base, o.base);
        try {
            check_mergeable({&sets[0], &base});
        } catch (const Error& e) {
            throw Error(o.base + " does not match " + o.inputs[0] + ": " + e.what());
        }
    }
    if (o.align)
        for (size_t k = 1; k < sets.size(); ++k)
            sets[k] = align_to(sets[k], sets[0]).weights;
    for (const auto& s : sets)
        inputs.models.push_back(&s);
    const WeightSet merged = merge_weights(m.name, inputs, params);
    check_merged_finite(merged, format_choice({m.name, params}));
    save_state_dict(o.output, merged);
    logger()->info("merged {} models with {} into {}", sets.size(), format_choice({m.name, params}),
                   o.output);
}

} // namespace

void add_merge_command(CLI::App& app) {
    auto opt = std::make_shared<MergeOptions>();
    auto* cmd = app.add_subcommand("merge", "Merge two or more saved models");
    cmd->add_option("models", opt->inputs, "state_dict files (.pt) of the same architecture")
        ->required()
        ->expected(2, -1);
    std::string methods_help = "merge method (mergelab-cli methods describes each and its parameters):";
    for (const auto& m : merge_methods())
        methods_help += "\n  " + m.name + ": " + m.description;
    cmd->add_option("-m,--method", opt->method, methods_help)
        ->capture_default_str()
        ->check(CLI::IsMember(merge_method_names()));
    cmd->add_option(
        "--base", opt->base,
        "the model every input started from (task-arithmetic, ties, fedavgm, fedadam, fedadagrad, fedyogi)");
    cmd->add_option("--sizes", opt->sizes, "each model's training-set size, in the models' order (wavg)")
        ->delimiter(',');
    cmd->add_option("--param", opt->params, "a method parameter as key=value (repeatable)");
    cmd->add_flag("--align", opt->align,
                  "permute every model's hidden units to match the first model's before merging");
    cmd->add_option("-o,--output", opt->output,
                    "where to write the merged state_dict (a new name or a regular file)")
        ->required();
    cmd->callback([opt] {
        check_output(opt->output);
        run_merge(*opt);
    });
}

void add_align_command(CLI::App& app) {
    struct Options {
        std::string model, reference, output;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("align",
                                   "Permute a model's hidden units to match a reference (the same function)");
    cmd->add_option("model", opt->model, "state_dict file (.pt) to permute")->required();
    cmd->add_option("--to", opt->reference, "the reference model (.pt)")->required();
    cmd->add_option("-o,--output", opt->output,
                    "where to write the permuted state_dict (a new name or a regular file)")
        ->required();
    cmd->callback([opt] {
        check_output(opt->output);
        const WeightSet model = load_state_dict(opt->model), reference = load_state_dict(opt->reference);
        Alignment a;
        try {
            a = align_to(model, reference);
        } catch (const Error& e) {
            throw Error(opt->model + " and " + opt->reference + ": " + e.what());
        }
        save_state_dict(opt->output, a.weights);
        int64_t moved = 0;
        for (const auto& p : a.perms)
            for (size_t i = 0; i < p.size(); ++i)
                moved += p[i] != int64_t(i);
        logger()->info("aligned {} to {} in {} passes ({} hidden units moved) into {}", opt->model,
                       opt->reference, a.passes, moved, opt->output);
    });
}

void add_eval_command(CLI::App& app) {
    struct Options {
        std::string model_path;
        std::string data_dir;
        std::string arch;
        bool json = false;
        int threads = 0;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("eval", "Test accuracy, loss and confusion matrix of a saved model");
    cmd->add_option("model", opt->model_path, "state_dict file (.pt)")->required();
    cmd->add_option("--data", opt->data_dir,
                    "Fashion-MNIST directory (default: $MERGELAB_DATA or the Debian package)");
    cmd->add_option("--model", opt->arch, "cnn or mlp (default: detected from the file)")
        ->check(CLI::IsMember(architecture_names()));
    cmd->add_option("--threads", opt->threads, "threads (0: every core)")->check(CLI::Range(0, 256));
    cmd->add_flag("--json", opt->json, "print JSON instead of a table");
    cmd->callback([opt] {
        const WeightSet weights = load_state_dict(opt->model_path);
        std::string arch = opt->arch.empty() ? detect_architecture(weights) : opt->arch;
        if (arch.empty())
            throw Error(opt->model_path + ": its tensors match no architecture (" + [] {
                std::string known;
                for (const auto& a : architecture_names())
                    known += (known.empty() ? "" : ", ") + a;
                return known;
            }() + ")");
        check_weights(arch, weights, opt->model_path);
        check_finite(weights, opt->model_path);
        const FashionMnist data = load_data(opt->data_dir, DataPart::Both, 0.2, colour_for_model(arch));
        // A model for another data set's classes or images is refused by name.
        check_weights(arch, weights, opt->model_path, class_count(data));
        ExperimentConfig fit;
        fit.model = arch;
        fitted_to_data(fit, data);
        const EvalResult r = evaluate(arch, weights, data.test, opt->threads);
        if (opt->json) {
            nlohmann::json out{{"test_acc", r.accuracy},
                               {"test_loss", r.loss},
                               {"confusion", r.confusion},
                               {"model", arch},
                               {"images", data.test.size()}};
            std::cout << out.dump() << '\n';
            return;
        }
        std::cout << std::fixed << std::setprecision(2) << "model      " << printable(opt->model_path) << " ("
                  << arch << ")\n"
                  << "test acc   " << 100 * r.accuracy << " %  (" << confusion_correct(r.confusion) << " of "
                  << data.test.size() << ")\n"
                  << std::setprecision(4) << "test loss  " << r.loss << "\n\nconfusion (rows: true class)\n";
        const auto& names = data.class_names.empty() ? fashion_mnist_class_names() : data.class_names;
        for (size_t t = 0; t < r.confusion.size(); ++t) {
            std::cout << std::setw(12) << printable(names[t]);
            for (size_t p = 0; p < r.confusion.size(); ++p)
                std::cout << std::setw(6) << r.confusion[t][p];
            std::cout << '\n';
        }
    });
}

} // namespace mergelab::cli
