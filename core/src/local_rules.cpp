// The local training rules beyond plain training: FedProx pulls each local
// model towards the round's start, SCAFFOLD corrects each local gradient by
// an estimate of how the environment's data pulls away from everyone's,
// FedRS keeps an environment from pushing down the classes it never sees.
#include <map>

#include <ATen/CPUGeneratorImpl.h>

#include "mergelab/error.h"
#include "stat_net.h"
#include "trainer.h"

namespace mergelab {
namespace {

using Tensors = std::map<std::string, torch::Tensor>;

Tensors to_tensors(const WeightSet& weights) {
    Tensors out;
    for (const auto& t : weights)
        out[t.name] = torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32).clone();
    return out;
}

Tensors zeros_like(const Tensors& like) {
    Tensors out;
    for (const auto& [name, t] : like)
        out[name] = torch::zeros_like(t);
    return out;
}

WeightSet to_weights(const Tensors& tensors, const WeightSet& like) {
    WeightSet out;
    for (const auto& t : like) {
        const torch::Tensor v = tensors.at(t.name).contiguous();
        out.push_back(
            {t.name, t.shape, std::vector<float>(v.data_ptr<float>(), v.data_ptr<float>() + v.numel())});
    }
    return out;
}

// The gradient of mu/2 ||w - start||^2 is mu (w - start).
class FedProx : public LocalRuleState {
public:
    explicit FedProx(double mu)
        : mu_(mu) {}
    void begin_round(const WeightSet& start, const WeightSet&, uint64_t) override {
        start_ = to_tensors(start);
    }
    void adjust_gradients(ClassifierImpl& net) override {
        torch::NoGradGuard no_grad;
        for (auto& p : net.named_parameters())
            if (p.value().grad().defined())
                p.value().grad().add_(p.value() - start_.at(p.key()), mu_);
    }

private:
    double mu_;
    Tensors start_;
};

// Option II of Karimireddy et al.: environment k trains with
// y <- y - lr (g(y) - c_k + c); afterwards c_k+ = c_k - c + (x - y) / (K lr)
// and it reports c_k+ - c_k. The server adds the mean change over all
// environments to c (those that did not report add nothing).
class ScaffoldEnvironment : public LocalRuleState {
public:
    explicit ScaffoldEnvironment(double lr)
        : lr_(lr) {}

    void begin_round(const WeightSet& start, const WeightSet& shared, uint64_t) override {
        start_ = to_tensors(start);
        server_ = shared.empty() ? zeros_like(start_) : to_tensors(shared);
        if (own_.empty())
            own_ = zeros_like(start_);
        correction_.clear();
        for (const auto& [name, t] : server_)
            correction_[name] = t - own_.at(name);
        like_ = start;
    }

    void adjust_gradients(ClassifierImpl& net) override {
        torch::NoGradGuard no_grad;
        for (auto& p : net.named_parameters())
            if (p.value().grad().defined())
                p.value().grad().add_(correction_.at(p.key()));
    }

    WeightSet end_round(ClassifierImpl& net, int64_t steps) override {
        if (steps == 0)
            return {};
        torch::NoGradGuard no_grad;
        const double scale = 1.0 / (double(steps) * lr_);
        Tensors change;
        for (auto& p : net.named_parameters()) {
            const torch::Tensor updated =
                own_.at(p.key()) - server_.at(p.key()) + (start_.at(p.key()) - p.value().detach()) * scale;
            change[p.key()] = updated - own_.at(p.key());
            own_.at(p.key()) = updated;
        }
        return to_weights(change, like_);
    }

private:
    double lr_;
    Tensors start_, server_, own_, correction_;
    WeightSet like_; // names and shapes, in the model's order
};

class ScaffoldServer : public RuleServer {
public:
    explicit ScaffoldServer(const WeightSet& like)
        : like_(like)
        , server_(zeros_like(to_tensors(like))) {}

    WeightSet shared() const override { return to_weights(server_, like_); }

    void absorb(const std::vector<const WeightSet*>& changes, int envs) override {
        torch::NoGradGuard no_grad;
        Tensors sum = zeros_like(server_);
        for (const WeightSet* change : changes)
            for (const auto& t : *change)
                sum.at(t.name) +=
                    torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32);
        for (auto& [name, t] : server_)
            t += sum.at(name) / double(envs);
    }

private:
    WeightSet like_;
    Tensors server_;
};

// Restricted softmax: logit c becomes alpha * logit c for every class c
// this environment holds no image of. The scale is made once.
class FedRS : public LocalRuleState {
public:
    FedRS(double alpha, const std::vector<int>& classes, int class_count)
        : scale_(torch::full({class_count}, alpha, torch::kFloat32)) {
        for (int c : classes)
            if (c >= 0 && c < class_count)
                scale_[c] = 1.0f;
    }
    bool adjusts_logits() const override { return true; }
    torch::Tensor adjust_logits(const torch::Tensor& logits) override { return logits * scale_; }

private:
    torch::Tensor scale_; // read-only once made
};

// Virtual images: every step adds weight x the cross-entropy of images
// drawn from the Gaussians of the classes this environment lacks, so its
// model keeps answering for them. The factors are made once, when the
// Gaussians arrive; the draws are seeded per environment and round.
class VirtualImages : public LocalRuleState {
public:
    VirtualImages(double weight, int per_step)
        : weight_(weight)
        , per_step_(per_step) {}

    void take_class_images(const FeatureStatistics& missing, const std::vector<int64_t>& shape) override {
        const int64_t d = missing.dim;
        std::vector<int64_t> classes;
        means_.clear(), factors_.clear();
        for (size_t c = 0; c < missing.classes.size(); ++c) {
            const ClassFeatures& cls = missing.classes[c];
            if (cls.count == 0)
                continue;
            classes.push_back(int64_t(c));
            means_.push_back(torch::tensor(cls.mean, torch::kFloat64).to(torch::kFloat32));
            // The draw is mean + L eps; L^T is kept so a batch is eps L^T.
            factors_.push_back(torch::tensor(semidefinite_cholesky(cls.covariance, d), torch::kFloat64)
                                   .reshape({d, d})
                                   .t()
                                   .to(torch::kFloat32)
                                   .contiguous());
        }
        classes_ = torch::tensor(classes, torch::kInt64);
        shape_ = shape;
    }

    void begin_round(const WeightSet&, const WeightSet&, uint64_t seed) override {
        generator_ = at::make_generator<at::CPUGeneratorImpl>(seed);
    }

    void adjust_gradients(ClassifierImpl& net) override {
        if (means_.empty() || weight_ == 0)
            return;
        const int64_t n = per_step_, d = factors_.front().size(0);
        torch::Tensor which, images;
        {
            torch::NoGradGuard drawing;
            which = torch::randint(int64_t(means_.size()), {n}, generator_, torch::kInt64);
            const auto eps = torch::randn({n, d}, generator_, torch::kFloat32);
            images = torch::empty({n, d}, torch::kFloat32);
            for (size_t i = 0; i < means_.size(); ++i) {
                const auto rows = (which == int64_t(i)).nonzero().flatten();
                if (rows.numel() > 0)
                    images.index_copy_(0, rows, eps.index_select(0, rows).mm(factors_[i]) + means_[i]);
            }
            // Pixels live in [0, 1]; the Gaussian's tails do not.
            images.clamp_(0, 1);
        }
        std::vector<int64_t> batch_shape{n};
        batch_shape.insert(batch_shape.end(), shape_.begin(), shape_.end());
        const auto labels = classes_.index_select(0, which);
        // Its gradient adds to the real batch's, which backward left in .grad.
        (torch::nn::functional::cross_entropy(net.forward(images.reshape(batch_shape)), labels) * weight_)
            .backward();
    }

private:
    double weight_;
    int64_t per_step_;
    torch::Tensor classes_;                      // the missing classes' labels, in order
    std::vector<torch::Tensor> means_, factors_; // one per missing class, read-only once made
    std::vector<int64_t> shape_;
    at::Generator generator_ = at::make_generator<at::CPUGeneratorImpl>(0);
};

const LocalRule& rule_entry(const Choice& rule) {
    const LocalRule* entry = find_local_rule(rule.name);
    if (!entry)
        throw UsageError("unknown local rule '" + rule.name + "'");
    return *entry;
}

} // namespace

std::unique_ptr<LocalRuleState> make_local_rule(const Choice& rule, double lr,
                                                const std::vector<int>& classes, int class_count) {
    const LocalRule& entry = rule_entry(rule);
    if (rule.name == "fedprox")
        return std::make_unique<FedProx>(param_value(entry, rule.params, "mu"));
    if (rule.name == "fedrs")
        return std::make_unique<FedRS>(param_value(entry, rule.params, "alpha"), classes, class_count);
    if (rule.name == "scaffold")
        return std::make_unique<ScaffoldEnvironment>(lr);
    if (rule.name == "vimages")
        return std::make_unique<VirtualImages>(param_value(entry, rule.params, "weight"),
                                               int(param_value(entry, rule.params, "per_step")));
    return nullptr; // plain: nothing to adjust
}

bool rule_needs_class_images(const Choice& rule) {
    return rule_entry(rule).needs_class_images;
}

std::unique_ptr<RuleServer> make_rule_server(const Choice& rule, const WeightSet& like) {
    rule_entry(rule);
    if (rule.name == "scaffold")
        return std::make_unique<ScaffoldServer>(like);
    return nullptr;
}

} // namespace mergelab
