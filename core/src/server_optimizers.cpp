// Server optimizers: the environments' mean is not taken as the new model
// but as one step of a pseudo-gradient g = base - mean, which an optimizer
// with state across rounds (momentum, the adaptive moments) applies to base.
// State lives in the Merger, so it starts at zero with every run.
#include <cmath>
#include <deque>
#include <map>

#include "merge_internal.h"
#include "mergelab/error.h"
#include "mergelab/i18n.h"

namespace mergelab {
namespace {

ParamSpec weighted_param() {
    return param("weighted", QT_TRANSLATE_NOOP("mergelab", "Size-weighted"),
                 QT_TRANSLATE_NOOP("mergelab", "1: the pseudo-gradient uses the size-weighted mean (wavg)"),
                 0, 0, 1);
}

// Keeps one double vector per tensor and walks the pseudo-gradient.
class ServerOptimizer : public Merger {
public:
    ServerOptimizer(std::string name, bool weighted)
        : name_(std::move(name))
        , weighted_(weighted) {}

    WeightSet merge(const MergeInputs& inputs) override {
        const auto weights = mean_weights(inputs, weighted_, name_);
        return merge_by_tensor(inputs, true, [&](const TensorInputs& in, float* out) {
            Moments& s = state_[in.first->name];
            if (s.first.size() != in.count)
                s.first.assign(in.count, 0), s.second.assign(in.count, 0);
            for (size_t i = 0; i < in.count; ++i) {
                const double base = in.base[i];
                const double g = base - mean_of(in, i, weights);
                out[i] = static_cast<float>(step(base, g, s.first[i], s.second[i]));
            }
        });
    }

protected:
    // The new value of one weight from its base and pseudo-gradient; `m`
    // and `u` are its state (zero at the start of a run).
    virtual double step(double base, double g, double& m, double& u) const = 0;

private:
    struct Moments {
        std::vector<double> first, second;
    };
    std::string name_;
    bool weighted_;
    std::map<std::string, Moments> state_;
};

class FedAvgM : public ServerOptimizer {
public:
    FedAvgM(double lr, double momentum, bool weighted)
        : ServerOptimizer("fedavgm", weighted)
        , lr_(lr)
        , mom_(momentum) {}

private:
    double step(double base, double g, double& v, double&) const override {
        v = mom_ * v + g;
        return base - lr_ * v;
    }
    double lr_, mom_;
};

// As Reddi et al. and Flower: no bias correction, tau inside the root's sum.
class FedAdam : public ServerOptimizer {
public:
    FedAdam(double lr, double beta1, double beta2, double tau, bool weighted)
        : ServerOptimizer("fedadam", weighted)
        , lr_(lr)
        , b1_(beta1)
        , b2_(beta2)
        , tau_(tau) {}

private:
    double step(double base, double g, double& m, double& u) const override {
        m = b1_ * m + (1 - b1_) * -g;
        u = b2_ * u + (1 - b2_) * g * g;
        return base + lr_ * m / (std::sqrt(u) + tau_);
    }
    double lr_, b1_, b2_, tau_;
};

// Reddi et al.'s Algorithm 2 asks for v_{-1} >= tau^2; the second moment
// starts at 0 here, as FedAdam's above always has, so the three adaptive
// optimizers differ only in the update of v. After the first round v is
// Delta^2 (Adagrad) or (1 - beta2) Delta^2 (Yogi) anyway, and tau stays in
// the denominator, so a zero start never divides by zero.
class FedAdagrad : public ServerOptimizer {
public:
    FedAdagrad(double lr, double beta1, double tau, bool weighted)
        : ServerOptimizer("fedadagrad", weighted)
        , lr_(lr)
        , b1_(beta1)
        , tau_(tau) {}

private:
    double step(double base, double g, double& m, double& v) const override {
        m = b1_ * m + (1 - b1_) * -g;
        v = v + g * g;
        return base + lr_ * m / (std::sqrt(v) + tau_);
    }
    double lr_, b1_, tau_;
};

// Yogi's v moves towards Delta^2 by (1 - beta2) Delta^2 at most per round,
// additively, where Adam's moves multiplicatively.
class FedYogi : public ServerOptimizer {
public:
    FedYogi(double lr, double beta1, double beta2, double tau, bool weighted)
        : ServerOptimizer("fedyogi", weighted)
        , lr_(lr)
        , b1_(beta1)
        , b2_(beta2)
        , tau_(tau) {}

private:
    double step(double base, double g, double& m, double& v) const override {
        m = b1_ * m + (1 - b1_) * -g;
        const double g2 = g * g;
        const double diff = v - g2;
        const double sign = diff > 0 ? 1.0 : (diff < 0 ? -1.0 : 0.0);
        v = v - (1 - b2_) * g2 * sign;
        return base + lr_ * m / (std::sqrt(v) + tau_);
    }
    double lr_, b1_, b2_, tau_;
};

// The mean of the last K rounds' averages. When the model copied back is
// avg's, a round's average is that round's global model, so this is the
// average of the last K global models: compared beside avg it shows what
// averaging over time does to a global model that swings from round to
// round, without changing the run. Its history starts empty with every run.
class TailAverage : public Merger {
public:
    TailAverage(int k, bool weighted)
        : k_(size_t(k))
        , weighted_(weighted) {}

    WeightSet merge(const MergeInputs& inputs) override {
        const auto weights = mean_weights(inputs, weighted_, "tail-avg");
        return merge_by_tensor(inputs, false, [&](const TensorInputs& in, float* out) {
            std::deque<std::vector<double>>& past = history_[in.first->name];
            std::vector<double> now(in.count);
            for (size_t i = 0; i < in.count; ++i)
                now[i] = mean_of(in, i, weights);
            past.push_back(std::move(now));
            while (past.size() > k_)
                past.pop_front();
            for (size_t i = 0; i < in.count; ++i) {
                double sum = 0;
                for (const auto& round : past)
                    sum += round[i];
                out[i] = static_cast<float>(sum / double(past.size()));
            }
        });
    }

private:
    size_t k_;
    bool weighted_;
    std::map<std::string, std::deque<std::vector<double>>> history_;
};

ParamSpec server_lr_param(double default_value) {
    return param("server_lr", QT_TRANSLATE_NOOP("mergelab", "Server learning rate"),
                 QT_TRANSLATE_NOOP("mergelab", "step size"), default_value, 0, 10);
}
ParamSpec beta1_param() {
    return param("beta1", QT_TRANSLATE_NOOP("mergelab", "Beta 1"),
                 QT_TRANSLATE_NOOP("mergelab", "decay of the first moment"), 0.9, 0, 0.999);
}
ParamSpec beta2_param() {
    return param("beta2", QT_TRANSLATE_NOOP("mergelab", "Beta 2"),
                 QT_TRANSLATE_NOOP("mergelab", "decay of the second moment"), 0.99, 0, 0.9999);
}
ParamSpec tau_param() {
    return param("tau", QT_TRANSLATE_NOOP("mergelab", "Tau"),
                 QT_TRANSLATE_NOOP("mergelab", "adaptivity: added to the root of the second moment"), 1e-3,
                 1e-9, 1);
}

MergeMethod server_entry(const char* name, const char* label, const char* description, const char* reference,
                         std::vector<ParamSpec> params) {
    MergeMethod m;
    m.name = name, m.label = label, m.description = description, m.reference = reference;
    m.params = std::move(params);
    m.params.push_back(weighted_param());
    m.needs_base = true;
    m.stateful = true;
    return m;
}

} // namespace

std::vector<MergeMethod> server_optimizers() {
    auto avgm = server_entry(
        "fedavgm", QT_TRANSLATE_NOOP("mergelab", "FedAvgM (server momentum)"),
        QT_TRANSLATE_NOOP("mergelab", "server SGD with momentum on the pseudo-gradient start model - mean"),
        "Hsu et al., Measuring the Effects of Non-Identical Data Distribution for Federated "
        "Visual Classification (FedAvgM), 2019",
        {param("server_lr", QT_TRANSLATE_NOOP("mergelab", "Server learning rate"),
               QT_TRANSLATE_NOOP("mergelab", "step size on the pseudo-gradient"), 1.0, 0, 10),
         param("momentum", QT_TRANSLATE_NOOP("mergelab", "Server momentum"),
               QT_TRANSLATE_NOOP("mergelab", "share of the previous step kept"), 0.9, 0, 0.999)});
    avgm.make = [avgm](const ParamValues& p) -> std::unique_ptr<Merger> {
        return std::make_unique<FedAvgM>(param_value(avgm, p, "server_lr"), param_value(avgm, p, "momentum"),
                                         param_value(avgm, p, "weighted") != 0);
    };
    auto adam = server_entry(
        "fedadam", QT_TRANSLATE_NOOP("mergelab", "FedAdam (server Adam)"),
        QT_TRANSLATE_NOOP("mergelab",
                          "server Adam on the pseudo-gradient start model - mean (no bias correction)"),
        "Reddi et al., Adaptive Federated Optimization, ICLR 2021",
        {server_lr_param(0.01), beta1_param(), beta2_param(), tau_param()});
    adam.make = [adam](const ParamValues& p) -> std::unique_ptr<Merger> {
        return std::make_unique<FedAdam>(param_value(adam, p, "server_lr"), param_value(adam, p, "beta1"),
                                         param_value(adam, p, "beta2"), param_value(adam, p, "tau"),
                                         param_value(adam, p, "weighted") != 0);
    };
    auto adagrad = server_entry(
        "fedadagrad", QT_TRANSLATE_NOOP("mergelab", "FedAdagrad (server Adagrad)"),
        QT_TRANSLATE_NOOP("mergelab",
                          "server Adagrad with momentum on the pseudo-gradient start model - mean: "
                          "the second moment sums every round's squares"),
        "Reddi et al., Adaptive Federated Optimization, ICLR 2021",
        {server_lr_param(0.01), beta1_param(), tau_param()});
    adagrad.make = [adagrad](const ParamValues& p) -> std::unique_ptr<Merger> {
        return std::make_unique<FedAdagrad>(param_value(adagrad, p, "server_lr"),
                                            param_value(adagrad, p, "beta1"), param_value(adagrad, p, "tau"),
                                            param_value(adagrad, p, "weighted") != 0);
    };
    auto yogi = server_entry(
        "fedyogi", QT_TRANSLATE_NOOP("mergelab", "FedYogi (server Yogi)"),
        QT_TRANSLATE_NOOP("mergelab",
                          "server Yogi on the pseudo-gradient start model - mean: the second moment "
                          "moves additively, by at most (1 - beta2) times the squared step"),
        "Reddi et al., Adaptive Federated Optimization, ICLR 2021",
        {server_lr_param(0.01), beta1_param(), beta2_param(), tau_param()});
    yogi.make = [yogi](const ParamValues& p) -> std::unique_ptr<Merger> {
        return std::make_unique<FedYogi>(param_value(yogi, p, "server_lr"), param_value(yogi, p, "beta1"),
                                         param_value(yogi, p, "beta2"), param_value(yogi, p, "tau"),
                                         param_value(yogi, p, "weighted") != 0);
    };
    MergeMethod tail;
    tail.name = "tail-avg";
    tail.label = QT_TRANSLATE_NOOP("mergelab", "Average of the last K rounds");
    tail.description = QT_TRANSLATE_NOOP(
        "mergelab", "the mean of the last K rounds' averages; beside avg, the average of the last K "
                    "global models, which smooths a model that swings from round to round");
    tail.reference = "Izmailov et al., Averaging Weights Leads to Wider Optima and Better Generalization "
                     "(SWA), UAI 2018";
    tail.params = {param("k", QT_TRANSLATE_NOOP("mergelab", "Rounds"),
                         QT_TRANSLATE_NOOP("mergelab", "how many of the latest rounds are averaged"), 10, 1,
                         100),
                   weighted_param()};
    tail.stateful = true;
    tail.make = [tail](const ParamValues& p) -> std::unique_ptr<Merger> {
        return std::make_unique<TailAverage>(int(param_value(tail, p, "k")),
                                             param_value(tail, p, "weighted") != 0);
    };
    return {avgm, adam, adagrad, yogi, tail};
}

} // namespace mergelab
