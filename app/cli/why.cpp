// The subcommands that explain merges: the straight path between two saved
// models (interpolate) and where a picking merge's elements came from
// (provenance).
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/interpolation.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/provenance.h"
#include "mergelab/state_dict.h"
#include "mergelab/text.h"

namespace mergelab::cli {
namespace {

WeightSet load_checked(const std::string& path) {
    WeightSet w = load_state_dict(path);
    check_finite(w, path);
    return w;
}

std::string detected_arch(const WeightSet& weights, const std::string& path) {
    const std::string arch = detect_architecture(weights);
    if (arch.empty())
        throw Error(path + ": its tensors match no architecture");
    return arch;
}

std::vector<std::string> picking_methods() {
    std::vector<std::string> out;
    for (const auto& m : merge_methods())
        if (m.picks)
            out.push_back(m.name);
    return out;
}

void print_path(const InterpolationPath& path, bool json) {
    if (json) {
        nlohmann::ordered_json points = nlohmann::ordered_json::array();
        for (const auto& p : path.points)
            points.push_back({{"t", p.t}, {"test_acc", p.test_acc}, {"test_loss", p.test_loss}});
        std::cout << nlohmann::ordered_json{{"points", points}, {"barrier", path.barrier}}.dump() << '\n';
        return;
    }
    std::printf("%6s %9s %9s\n", "t", "test acc", "loss");
    for (const auto& p : path.points)
        std::printf("%6.3f %8.2f%% %9.4f\n", p.t, 100 * p.test_acc, p.test_loss);
    std::printf("barrier %.2f points of accuracy (mean of the ends minus the lowest), %lld test images\n",
                100 * path.barrier, static_cast<long long>(path.images));
}

} // namespace

void add_interpolate_command(CLI::App& app) {
    struct Options {
        std::string a, b, data_dir;
        int points = kDefaultInterpolationPoints;
        int64_t subset = kDefaultInterpolationImages;
        bool full = false, align = false, json = false;
        int threads = 0;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("interpolate",
                                   "Test accuracy and loss along (1-t)*A + t*B between two saved models");
    cmd->add_option("A", opt->a, "state_dict file at t = 0")->required();
    cmd->add_option("B", opt->b, "state_dict file at t = 1")->required();
    cmd->add_option("--points", opt->points, "evenly spaced values of t, both ends included")
        ->capture_default_str()
        ->check(CLI::Range(2, 101));
    auto* subset = cmd->add_option("--subset", opt->subset,
                                   "evaluate on this many test images, the same share of each class")
                       ->capture_default_str()
                       ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
    cmd->add_flag("--full", opt->full, "evaluate on every test image")->excludes(subset);
    cmd->add_flag("--align", opt->align, "align B's hidden units to A's first (weight matching)");
    cmd->add_option("--data", opt->data_dir,
                    "Fashion-MNIST directory (default: $MERGELAB_DATA or the Debian package)");
    cmd->add_option("--threads", opt->threads, "threads (0: every core)")->check(CLI::Range(0, 256));
    cmd->add_flag("--json", opt->json,
                  "print {\"points\": [{\"t\", \"test_acc\", \"test_loss\"}, ...], \"barrier\"}");
    cmd->callback([opt] {
        const WeightSet a = load_checked(opt->a);
        WeightSet b = load_checked(opt->b);
        const std::string arch = detected_arch(a, opt->a);
        check_weights(arch, b, opt->b);
        if (opt->align) {
            if (!aligner_available())
                throw Error("--align: no weight alignment is available");
            b = align_for_interpolation(arch, a, b);
        }
        const FashionMnist data = load_data(opt->data_dir, DataPart::Both, 0.2, colour_for_model(arch));
        const Dataset eval = opt->full
                                 ? data.test
                                 : select_images(data.test, stratified_subset(data.test.labels, opt->subset));
        print_path(interpolate(arch, a, b, eval, opt->points, opt->threads), opt->json);
    });
}

void add_provenance_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> inputs;
        std::string method;
        bool json = false;
    };
    auto opt = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("provenance",
                                   "Which environment each element of a picking merge came from, per tensor");
    cmd->add_option("models", opt->inputs, "the environments' state_dict files, in environment order")
        ->required()
        ->expected(2, 127);
    cmd->add_option("-m,--method", opt->method,
                    "a merge method that picks one environment's value per element")
        ->required()
        ->check(CLI::IsMember(picking_methods()));
    cmd->add_flag("--json", opt->json,
                  "print {\"method\", \"tensors\": {name: {\"shares\", \"counts\", \"sign_flips\"}}}");
    cmd->callback([opt] {
        std::vector<WeightSet> sets;
        for (const auto& path : opt->inputs)
            sets.push_back(load_checked(path));
        std::vector<const WeightSet*> envs;
        for (const auto& s : sets)
            envs.push_back(&s);
        const auto tensors = provenance(envs, merge_weights(opt->method, envs));
        if (opt->json) {
            nlohmann::ordered_json out = nlohmann::ordered_json::object();
            for (const auto& t : tensors)
                out[t.tensor] = {{"shares", t.shares()}, {"counts", t.counts}, {"sign_flips", t.sign_flips}};
            std::cout << nlohmann::ordered_json{{"method", opt->method}, {"tensors", out}}.dump() << '\n';
            return;
        }
        for (const auto& t : tensors) {
            std::printf("%-16s", printable(t.tensor).c_str());
            const auto shares = t.shares();
            for (size_t k = 0; k < shares.size(); ++k)
                std::printf("  env %zu %5.1f%%", k + 1, 100 * shares[k]);
            std::printf("  sign flips %lld of %lld\n", static_cast<long long>(t.sign_flips),
                        static_cast<long long>(t.elements()));
        }
    });
}

} // namespace mergelab::cli
