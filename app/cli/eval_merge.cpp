// The model-file subcommands: merge saved models, evaluate a saved model.
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "mergelab/text.h"

namespace mergelab::cli {

void add_merge_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> inputs;
        std::string method = "avg";
        std::string output;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("merge", "Merge two or more saved models element by element");
    cmd->add_option("models", opt->inputs, "state_dict files (.pt) of the same architecture")
        ->required()
        ->expected(2, -1);
    std::string methods_help = "merge method (mergelab-cli methods describes each):";
    for (const auto& m : merge_methods()) methods_help += "\n  " + m.name + ": " + m.description;
    cmd->add_option("-m,--method", opt->method, methods_help)
        ->capture_default_str()
        ->check(CLI::IsMember(merge_method_names()));
    cmd->add_option("-o,--output", opt->output, "where to write the merged state_dict")->required();
    cmd->callback([opt] {
        std::vector<WeightSet> sets;
        for (const auto& path : opt->inputs) {
            sets.push_back(load_state_dict(path));
            check_finite(sets.back(), path);
        }
        for (size_t k = 1; k < sets.size(); ++k) {
            try {
                merge_weights(opt->method, std::vector<const WeightSet*>{&sets[0], &sets[k]});
            } catch (const Error& e) {
                throw Error(opt->inputs[k] + " does not match " + opt->inputs[0] + ": " + e.what());
            }
        }
        const WeightSet merged = merge_weights(opt->method, sets);
        save_state_dict(opt->output, merged);
        logger()->info("merged {} models with {} into {}", sets.size(), opt->method, opt->output);
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
    cmd->add_option("--data", opt->data_dir, "Fashion-MNIST directory (default: $MERGELAB_DATA or the Debian package)");
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
                for (const auto& a : architecture_names()) known += (known.empty() ? "" : ", ") + a;
                return known;
            }() + ")");
        check_weights(arch, weights, opt->model_path);
        check_finite(weights, opt->model_path);
        const FashionMnist data = load_fashion_mnist(resolve_data_dir(opt->data_dir));
        const EvalResult r = evaluate(arch, weights, data.test, opt->threads);
        if (opt->json) {
            nlohmann::json out{{"test_acc", r.accuracy}, {"test_loss", r.loss}, {"confusion", r.confusion},
                               {"model", arch}, {"images", data.test.size()}};
            std::cout << out.dump() << '\n';
            return;
        }
        std::cout << std::fixed << std::setprecision(2) << "model      " << printable(opt->model_path) << " (" << arch << ")\n"
                  << "test acc   " << 100 * r.accuracy << " %  (" << confusion_correct(r.confusion) << " of "
                  << data.test.size() << ")\n"
                  << std::setprecision(4) << "test loss  " << r.loss << "\n\nconfusion (rows: true class)\n";
        for (int t = 0; t < kNumClasses; ++t) {
            std::cout << std::setw(12) << class_names()[t];
            for (int p = 0; p < kNumClasses; ++p) std::cout << std::setw(6) << r.confusion[t][p];
            std::cout << '\n';
        }
    });
}

} // namespace mergelab::cli
