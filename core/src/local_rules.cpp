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
    void begin_round(const WeightSet& start, const WeightSet&) override { start_ = to_tensors(start); }
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

    void begin_round(const WeightSet& start, const WeightSet& shared) override {
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
    return nullptr; // plain: nothing to adjust
}

std::unique_ptr<RuleServer> make_rule_server(const Choice& rule, const WeightSet& like) {
    rule_entry(rule);
    if (rule.name == "scaffold")
        return std::make_unique<ScaffoldServer>(like);
    return nullptr;
}

} // namespace mergelab
