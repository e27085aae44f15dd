#include "mergelab/align.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "mergelab/error.h"
#include "random.h"

namespace mergelab {
namespace {

// Where one hidden layer's units appear: along axis 0 of its own weight and
// bias, along axis 1 of the next layer's weight. A tensor is seen as
// [outer, units, inner]: fc1.weight's 1600 inputs are conv2's 64 channels
// of 5 x 5 pixels each, so there inner is 25.
struct Occurrence {
    std::string tensor;
    int axis;
};
struct Group {
    int64_t units = 0;
    std::vector<Occurrence> places;
};

struct View {
    int64_t outer, units, inner;
};

View view_of(const NamedTensor& t, int axis, int64_t units) {
    const int64_t outer = axis == 0 ? 1 : t.shape.at(0);
    return {outer, units, t.numel() / (outer * units)};
}

// The layers in order are those with a "<name>.weight" whose first axis
// feeds the next one's second; every layer but the last is hidden.
std::vector<Group> hidden_groups(const WeightSet& model) {
    std::vector<std::string> layers;
    for (const auto& t : model) {
        const auto dot = t.name.rfind(".weight");
        if (dot != std::string::npos && dot + 7 == t.name.size() && t.shape.size() >= 2)
            layers.push_back(t.name.substr(0, dot));
    }
    if (layers.size() < 2)
        throw Error("cannot align: the model has fewer than two layers with weights");
    std::vector<Group> groups;
    for (size_t l = 0; l + 1 < layers.size(); ++l) {
        const NamedTensor* w = find_tensor(model, layers[l] + ".weight");
        const NamedTensor* next = find_tensor(model, layers[l + 1] + ".weight");
        Group g;
        g.units = w->shape[0];
        if (next->shape[1] % g.units != 0)
            throw Error("cannot align: " + next->name + " has " + std::to_string(next->shape[1]) +
                        " inputs, not a multiple of " + layers[l] + "'s " + std::to_string(g.units) +
                        " outputs");
        g.places.push_back({w->name, 0});
        if (const NamedTensor* b = find_tensor(model, layers[l] + ".bias"); b && b->numel() == g.units)
            g.places.push_back({b->name, 0});
        g.places.push_back({next->name, 1});
        groups.push_back(std::move(g));
    }
    return groups;
}

void check_same_layout(const WeightSet& a, const WeightSet& b) {
    if (a.size() != b.size())
        throw Error("cannot align: the models have different numbers of tensors");
    for (const auto& t : a) {
        const NamedTensor* other = find_tensor(b, t.name);
        if (!other || other->shape != t.shape)
            throw Error("cannot align: tensor '" + t.name +
                        "' is missing or shaped differently in the reference");
    }
}

// score[i][j] = sum over the group's places of <reference unit i, model unit j>.
std::vector<double> unit_scores(const WeightSet& reference, const WeightSet& model, const Group& g) {
    std::vector<double> score(size_t(g.units * g.units), 0.0);
    for (const auto& place : g.places) {
        const NamedTensor& r = *find_tensor(reference, place.tensor);
        const NamedTensor& m = *find_tensor(model, place.tensor);
        const View v = view_of(r, place.axis, g.units);
        for (int64_t o = 0; o < v.outer; ++o)
            for (int64_t i = 0; i < v.units; ++i) {
                const float* a = r.values.data() + (o * v.units + i) * v.inner;
                for (int64_t j = 0; j < v.units; ++j) {
                    const float* b = m.values.data() + (o * v.units + j) * v.inner;
                    double dot = 0;
                    for (int64_t t = 0; t < v.inner; ++t)
                        dot += double(a[t]) * double(b[t]);
                    score[size_t(i * g.units + j)] += dot;
                }
            }
    }
    return score;
}

WeightSet apply(const WeightSet& model, const std::vector<Group>& groups, const Permutations& perms) {
    WeightSet out = model;
    for (size_t g = 0; g < groups.size(); ++g) {
        for (const auto& place : groups[g].places) {
            const NamedTensor& src = *find_tensor(model, place.tensor);
            NamedTensor& dst = const_cast<NamedTensor&>(*find_tensor(out, place.tensor));
            // Other groups may already have permuted another axis of this
            // tensor: permute what `out` holds so far.
            const std::vector<float> current = dst.values;
            const View v = view_of(src, place.axis, groups[g].units);
            for (int64_t o = 0; o < v.outer; ++o)
                for (int64_t i = 0; i < v.units; ++i)
                    std::copy_n(current.begin() + (o * v.units + perms[g][i]) * v.inner, v.inner,
                                dst.values.begin() + (o * v.units + i) * v.inner);
        }
    }
    return out;
}

std::vector<int64_t> identity(int64_t n) {
    std::vector<int64_t> p(n);
    std::iota(p.begin(), p.end(), int64_t(0));
    return p;
}

} // namespace

std::vector<int64_t> max_weight_assignment(const std::vector<double>& score, int64_t n) {
    // Shortest augmenting paths with row and column potentials on the
    // negated scores (1-based, column 0 is the virtual start).
    const double inf = std::numeric_limits<double>::infinity();
    auto cost = [&](int64_t i, int64_t j) { return -score[size_t((i - 1) * n + (j - 1))]; };
    std::vector<double> u(n + 1, 0), v(n + 1, 0);
    std::vector<int64_t> row_of(n + 1, 0), way(n + 1, 0);
    for (int64_t i = 1; i <= n; ++i) {
        row_of[0] = i;
        int64_t j0 = 0;
        std::vector<double> min_to(n + 1, inf);
        std::vector<bool> used(n + 1, false);
        do {
            used[j0] = true;
            const int64_t i0 = row_of[j0];
            double delta = inf;
            int64_t j1 = 0;
            for (int64_t j = 1; j <= n; ++j) {
                if (used[j])
                    continue;
                const double reduced = cost(i0, j) - u[i0] - v[j];
                if (reduced < min_to[j])
                    min_to[j] = reduced, way[j] = j0;
                if (min_to[j] < delta)
                    delta = min_to[j], j1 = j;
            }
            for (int64_t j = 0; j <= n; ++j) {
                if (used[j])
                    u[row_of[j]] += delta, v[j] -= delta;
                else
                    min_to[j] -= delta;
            }
            j0 = j1;
        } while (row_of[j0] != 0);
        do {
            const int64_t j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
        } while (j0 != 0);
    }
    std::vector<int64_t> result(n);
    for (int64_t j = 1; j <= n; ++j)
        result[row_of[j] - 1] = j - 1;
    return result;
}

WeightSet permute_units(const WeightSet& model, const Permutations& perms) {
    const auto groups = hidden_groups(model);
    if (perms.size() != groups.size())
        throw Error("cannot permute: expected one permutation per hidden layer");
    for (size_t g = 0; g < groups.size(); ++g) {
        std::vector<int64_t> sorted = perms[g];
        std::sort(sorted.begin(), sorted.end());
        if (sorted != identity(groups[g].units))
            throw Error("cannot permute: not a permutation of the units");
    }
    return apply(model, groups, perms);
}

Permutations random_permutations(const WeightSet& model, uint64_t seed) {
    std::mt19937_64 rng(seed);
    Permutations perms;
    for (const auto& g : hidden_groups(model)) {
        perms.push_back(identity(g.units));
        shuffle_in_place(perms.back(), rng);
    }
    return perms;
}

Alignment align_to(const WeightSet& model, const WeightSet& reference) {
    check_same_layout(model, reference);
    const auto groups = hidden_groups(reference);
    Alignment a;
    for (const auto& g : groups)
        a.perms.push_back(identity(g.units));
    bool changed = true;
    while (changed && a.passes < 100) {
        changed = false;
        ++a.passes;
        for (size_t g = 0; g < groups.size(); ++g) {
            // Every other layer's current permutation, this one's undone.
            Permutations others = a.perms;
            others[g] = identity(groups[g].units);
            const WeightSet current = apply(model, groups, others);
            auto best = max_weight_assignment(unit_scores(reference, current, groups[g]), groups[g].units);
            if (best != a.perms[g])
                changed = true, a.perms[g] = std::move(best);
        }
    }
    a.weights = apply(model, groups, a.perms);
    return a;
}

} // namespace mergelab
