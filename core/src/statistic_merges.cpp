// Fisher-weighted averaging and RegMean: merges that weigh each
// environment's weights by statistics of its own data.
#include <cmath>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/statistics.h"
#include "stat_net.h"
#include "trainer.h"

namespace mergelab {

StatNet::StatNet(const std::string& arch, const WeightSet& weights) {
    check_weights(arch, weights, "model");
    net_ = make_net_for(arch, weights);
    assign_weights(*net_, weights);
    net_->to(torch::kFloat64);
    net_->eval();
    if (auto* cnn = dynamic_cast<CnnImpl*>(net_.get()))
        cnn_ = cnn, fc1_ = cnn->fc1, fc2_ = cnn->fc2;
    else if (auto* mlp = dynamic_cast<MlpImpl*>(net_.get()))
        fc1_ = mlp->fc1, fc2_ = mlp->fc2;
    else
        throw Error("model '" + arch + "' has no statistics");
}

torch::Tensor StatNet::input(const Dataset& data, int64_t first, int64_t count) {
    return to_input(images_view(data).narrow(0, first, count)).to(torch::kFloat64);
}

// The CNN's forward without its fused pool-and-ReLU kernel, which takes
// float32 only: relu(max_pool(conv)) is the same function.
torch::Tensor StatNet::fc1_input(const torch::Tensor& x) {
    if (!cnn_)
        return x.flatten(1);
    auto h = torch::relu(torch::max_pool2d(cnn_->conv1->forward(x), 2));
    h = torch::relu(torch::max_pool2d(cnn_->conv2->forward(h), 2));
    return h.flatten(1);
}

torch::Tensor StatNet::penultimate(const torch::Tensor& x) {
    return torch::relu(fc1_->forward(fc1_input(x)));
}

torch::Tensor StatNet::logits(const torch::Tensor& x) {
    return fc2_->forward(penultimate(x));
}

namespace {

std::vector<float> rounded(const torch::Tensor& t) {
    auto f = t.to(torch::kFloat32).contiguous();
    return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
}

torch::Tensor as_double(const NamedTensor& t) {
    return torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32)
        .to(torch::kFloat64);
}

void prepare(int threads) {
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(threads));
}

} // namespace

// One backward pass per image: the Fisher needs each image's squared
// gradient, and the square of a batch's summed gradient is not their sum.
// The label is the data's own (the empirical Fisher), not one drawn from the
// model's prediction.
WeightSet diagonal_fisher(const std::string& arch, const WeightSet& weights, const Dataset& data,
                          int threads) {
    if (data.size() == 0)
        throw Error("the Fisher needs at least one image");
    prepare(threads);
    StatNet stat(arch, weights);
    const auto named = stat.net().named_parameters();
    std::vector<torch::Tensor> params, sums;
    for (const auto& item : named) {
        params.push_back(item.value());
        sums.push_back(torch::zeros_like(item.value()));
    }
    const auto labels = labels_tensor(data);
    for (int64_t n = 0; n < data.size(); ++n) {
        const auto log_p =
            torch::log_softmax(stat.logits(StatNet::input(data, n, 1)), 1)[0][labels[n].item<int64_t>()];
        const auto grads = torch::autograd::grad({log_p}, params);
        for (size_t k = 0; k < params.size(); ++k)
            sums[k].add_(grads[k].square());
    }
    WeightSet out;
    for (size_t k = 0; k < params.size(); ++k)
        out.push_back({named[k].key(), params[k].sizes().vec(), rounded(sums[k] / double(data.size()))});
    return out;
}

WeightSet fisher_merge(const std::vector<const WeightSet*>& models,
                       const std::vector<const WeightSet*>& fishers, const std::vector<double>& lambdas,
                       double epsilon) {
    check_mergeable(models);
    const size_t n = models.size();
    if (fishers.size() != n)
        throw Error("Fisher merging needs one Fisher per model: " + std::to_string(fishers.size()) + " for " +
                    std::to_string(n) + " models");
    if (!lambdas.empty() && lambdas.size() != n)
        throw Error("Fisher merging needs one lambda per model");
    // Without epsilon an element no image moves in any environment (a weight
    // of a pixel that is 0 in every image, a dead unit) is 0/0; with it, such
    // an element becomes the lambda-weighted mean, and one whose Fisher is
    // measurable in some environment hardly changes. Added rather than used
    // as a floor, so the merge stays a smooth function of the Fishers.
    if (!(epsilon > 0) || !std::isfinite(epsilon))
        throw Error("Fisher merging needs an epsilon > 0");
    std::vector<double> lambda = lambdas.empty() ? std::vector<double>(n, 1.0) : lambdas;
    for (double l : lambda)
        if (!(l > 0) || !std::isfinite(l))
            throw Error("Fisher merging needs lambdas > 0");
    for (size_t i = 0; i < n; ++i) {
        check_finite(*models[i], "model " + std::to_string(i + 1));
        check_mergeable({models[0], fishers[i]});
    }
    WeightSet out;
    for (const auto& first : *models[0]) {
        std::vector<const NamedTensor*> w(n), f(n);
        for (size_t i = 0; i < n; ++i) {
            w[i] = find_tensor(*models[i], first.name);
            f[i] = find_tensor(*fishers[i], first.name);
        }
        NamedTensor merged{first.name, first.shape, std::vector<float>(first.values.size())};
        for (size_t e = 0; e < first.values.size(); ++e) {
            double num = 0, den = 0;
            for (size_t i = 0; i < n; ++i) {
                const double fi = f[i]->values[e];
                if (!(fi >= 0) || !std::isfinite(fi))
                    throw Error("Fisher " + std::to_string(i + 1) + ": tensor '" + first.name +
                                "' has a negative or non-finite value at element " + std::to_string(e));
                const double weight = lambda[i] * (fi + epsilon);
                num += weight * w[i]->values[e];
                den += weight;
            }
            merged.values[e] = static_cast<float>(num / den);
        }
        out.push_back(std::move(merged));
    }
    return out;
}

InputGrams linear_input_grams(const std::string& arch, const WeightSet& weights, const Dataset& data,
                              int threads) {
    prepare(threads);
    StatNet stat(arch, weights);
    torch::NoGradGuard no_grad;
    torch::Tensor g1, g2;
    for (int64_t first = 0; first < data.size(); first += kStatBatch) {
        const auto x = StatNet::input(data, first, std::min(kStatBatch, data.size() - first));
        const auto in1 = stat.fc1_input(x);
        const auto in2 = stat.penultimate(x);
        g1 = g1.defined() ? g1 + in1.t().mm(in1) : in1.t().mm(in1);
        g2 = g2.defined() ? g2 + in2.t().mm(in2) : in2.t().mm(in2);
    }
    InputGrams out;
    for (auto [layer, g] : {std::pair<const char*, torch::Tensor*>{"fc1", &g1}, {"fc2", &g2}}) {
        const auto spec = find_tensor(weights, std::string(layer) + ".weight");
        const int64_t dim = spec->shape.at(1);
        InputGram gram{layer, dim, data.size(), std::vector<double>(size_t(dim * dim), 0.0)};
        if (g->defined()) {
            auto c = g->contiguous();
            std::copy(c.data_ptr<double>(), c.data_ptr<double>() + c.numel(), gram.values.begin());
        }
        out.push_back(std::move(gram));
    }
    return out;
}

namespace {

const InputGram& gram_of(const InputGrams& grams, const std::string& layer, size_t env) {
    for (const auto& g : grams)
        if (g.layer == layer)
            return g;
    throw Error("RegMean: environment " + std::to_string(env + 1) + " has no Gram for layer '" + layer + "'");
}

// W for one layer, [in, out], from the environments' [out, in] weights.
torch::Tensor regmean_layer(const std::vector<const WeightSet*>& models,
                            const std::vector<const InputGrams*>& grams, const std::string& layer,
                            double alpha) {
    const size_t n = models.size();
    const std::string name = layer + ".weight";
    const NamedTensor* w0 = find_tensor(*models[0], name);
    if (!w0 || w0->shape.size() != 2)
        throw Error("RegMean: the models have no linear layer '" + layer + "'");
    const int64_t dim = w0->shape[1];
    auto sum_g = torch::zeros({dim, dim}, torch::kFloat64);
    auto sum_gw = torch::zeros({dim, w0->shape[0]}, torch::kFloat64);
    auto mean_w = torch::zeros({dim, w0->shape[0]}, torch::kFloat64);
    for (size_t i = 0; i < n; ++i) {
        const InputGram& g = gram_of(*grams[i], layer, i);
        if (g.dim != dim || g.values.size() != size_t(dim * dim))
            throw Error("RegMean: environment " + std::to_string(i + 1) + "'s Gram for '" + layer +
                        "' is not " + std::to_string(dim) + " x " + std::to_string(dim));
        auto gi = torch::from_blob(const_cast<double*>(g.values.data()), {dim, dim}, torch::kFloat64);
        auto scaled = alpha * gi + (1 - alpha) * torch::diag(torch::diag(gi));
        const auto wi = as_double(*find_tensor(*models[i], name)).t();
        sum_g += scaled;
        sum_gw += scaled.mm(wi);
        mean_w += wi;
    }
    mean_w /= double(n);
    // An input that is 0 on every image has a zero row and column in every
    // Gram: its row of W does not enter the objective, and the others do
    // not depend on it.
    const auto active = (torch::diag(sum_g) > 0).nonzero().flatten();
    if (active.numel() == 0)
        return mean_w;
    const auto s = sum_g.index_select(0, active).index_select(1, active);
    const auto [factor, info] = torch::linalg_cholesky_ex(s);
    if (info.item<int64_t>() != 0)
        throw Error("RegMean: the Gram sum of layer '" + layer +
                    "' is not positive definite (alpha 1 with fewer images than inputs?)");
    auto w = mean_w.clone();
    w.index_copy_(0, active, torch::cholesky_solve(sum_gw.index_select(0, active), factor));
    return w;
}

} // namespace

WeightSet regmean_merge(const std::vector<const WeightSet*>& models,
                        const std::vector<const InputGrams*>& grams, double alpha) {
    check_mergeable(models);
    const size_t n = models.size();
    if (grams.size() != n)
        throw Error("RegMean needs one set of Grams per model");
    if (!(alpha > 0 && alpha <= 1))
        throw Error("RegMean's alpha must be in (0, 1]");
    for (size_t i = 0; i < n; ++i)
        check_finite(*models[i], "model " + std::to_string(i + 1));
    WeightSet out;
    for (const auto& first : *models[0]) {
        std::vector<const NamedTensor*> w(n);
        for (size_t i = 0; i < n; ++i)
            w[i] = find_tensor(*models[i], first.name);
        NamedTensor merged{first.name, first.shape, std::vector<float>(first.values.size())};
        for (size_t e = 0; e < first.values.size(); ++e) {
            double sum = 0;
            for (size_t i = 0; i < n; ++i)
                sum += w[i]->values[e];
            merged.values[e] = static_cast<float>(sum / double(n));
        }
        out.push_back(std::move(merged));
    }
    for (const auto& g : *grams[0]) {
        auto w = regmean_layer(models, grams, g.layer, alpha);
        for (auto& t : out)
            if (t.name == g.layer + ".weight")
                t.values = rounded(w.t());
    }
    return out;
}

} // namespace mergelab
