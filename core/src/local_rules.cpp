// The local training rules beyond plain training: FedProx pulls each local
// model towards the round's start, SCAFFOLD corrects each local gradient by
// an estimate of how the environment's data pulls away from everyone's,
// FedRS keeps an environment from pushing down the classes it never sees.
#include <map>

#include "mergelab/error.h"
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

// The gradient of mu/2 ||w - base||^2 is mu (w - base).
class FedProx : public LocalRuleState {
public:
    explicit FedProx(double mu)
        : mu_(mu) {}
    void begin_round(const WeightSet& base) override { base_ = to_tensors(base); }
    void adjust_gradients(int, ClassifierImpl& net) override {
        torch::NoGradGuard no_grad;
        for (auto& p : net.named_parameters())
            if (p.value().grad().defined())
                p.value().grad().add_(p.value() - base_.at(p.key()), mu_);
    }

private:
    double mu_;
    Tensors base_; // read by every environment's thread, written only between rounds
};

// Option II of Karimireddy et al. with every environment taking part each
// round: y_k <- y_k - lr (g_k(y_k) - c_k + c); afterwards
// c_k+ = c_k - c + (x - y_k) / (K_k lr) and c += mean_k (c_k+ - c_k).
class Scaffold : public LocalRuleState {
public:
    Scaffold(int envs, double lr)
        : envs_(envs)
        , lr_(lr) {}

    void begin_round(const WeightSet& base) override {
        base_ = to_tensors(base);
        if (server_.empty()) {
            server_ = zeros_like(base_);
            for (int k = 0; k < envs_; ++k)
                own_.push_back(zeros_like(base_));
        }
        correction_.clear();
        for (int k = 0; k < envs_; ++k) {
            Tensors c;
            for (const auto& [name, t] : server_)
                c[name] = t - own_[k].at(name);
            correction_.push_back(std::move(c));
        }
    }

    void adjust_gradients(int env, ClassifierImpl& net) override {
        torch::NoGradGuard no_grad;
        for (auto& p : net.named_parameters())
            if (p.value().grad().defined())
                p.value().grad().add_(correction_[env].at(p.key()));
    }

    void end_round(const std::vector<ClassifierImpl*>& nets, const std::vector<int64_t>& steps) override {
        torch::NoGradGuard no_grad;
        Tensors change = zeros_like(server_);
        for (int k = 0; k < envs_; ++k) {
            if (steps[k] == 0)
                continue;
            const double scale = 1.0 / (double(steps[k]) * lr_);
            for (auto& p : nets[k]->named_parameters()) {
                const torch::Tensor updated = own_[k].at(p.key()) - server_.at(p.key()) +
                                              (base_.at(p.key()) - p.value().detach()) * scale;
                change.at(p.key()) += updated - own_[k].at(p.key());
                own_[k].at(p.key()) = updated;
            }
        }
        for (auto& [name, t] : server_)
            t += change.at(name) / double(envs_);
    }

private:
    int envs_;
    double lr_;
    Tensors base_, server_;
    std::vector<Tensors> own_, correction_;
};

// Restricted softmax: logit c of environment k becomes alpha * logit c for
// every class c that k holds no image of. The scale is a per-environment
// row of ones and alphas, made once.
class FedRS : public LocalRuleState {
public:
    FedRS(double alpha, const std::vector<std::vector<int>>& env_classes, int envs) {
        for (int k = 0; k < envs; ++k) {
            auto scale = torch::full({kNumClasses}, alpha, torch::kFloat32);
            if (k < int(env_classes.size()))
                for (int c : env_classes[k])
                    if (c >= 0 && c < kNumClasses)
                        scale[c] = 1.0f;
            scales_.push_back(scale);
        }
    }
    bool adjusts_logits() const override { return true; }
    torch::Tensor adjust_logits(int env, const torch::Tensor& logits) override {
        if (env < 0 || env >= int(scales_.size()))
            return logits; // the centralised baseline holds every class
        return logits * scales_[size_t(env)];
    }

private:
    std::vector<torch::Tensor> scales_; // read-only once made
};

} // namespace

std::unique_ptr<LocalRuleState> make_local_rule(const Choice& rule, int envs, double lr,
                                                const std::vector<std::vector<int>>& env_classes) {
    const LocalRule* entry = find_local_rule(rule.name);
    if (!entry)
        throw UsageError("unknown local rule '" + rule.name + "'");
    if (rule.name == "fedprox")
        return std::make_unique<FedProx>(param_value(*entry, rule.params, "mu"));
    if (rule.name == "fedrs")
        return std::make_unique<FedRS>(param_value(*entry, rule.params, "alpha"), env_classes, envs);
    if (rule.name == "scaffold")
        return std::make_unique<Scaffold>(envs, lr);
    return nullptr; // plain: nothing to adjust
}

} // namespace mergelab
