#include "mergelab/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>

#include "mergelab/dataset.h"
#include "mergelab/error.h"
#include "mergelab/i18n.h"
#include "mergelab/settings.h"
#include "random.h"

namespace mergelab {
namespace {

// One list per class, as many as the highest label says: the training set
// of an image folder holds every one of its classes.
std::vector<IndexList> indices_by_class(const std::vector<uint8_t>& labels) {
    std::vector<IndexList> by_class(label_class_count(labels));
    for (size_t i = 0; i < labels.size(); ++i)
        by_class[labels[i]].push_back(static_cast<int64_t>(i));
    return by_class;
}

class VPartitioner : public Partitioner {
public:
    std::vector<IndexList> partition(const std::vector<uint8_t>& labels, int envs,
                                     uint64_t seed) const override {
        std::mt19937_64 rng(derive_seed(seed, 1));
        std::vector<IndexList> parts(envs);
        for (IndexList& members : indices_by_class(labels)) {
            shuffle_in_place(members, rng);
            // Equal share per environment; a remainder is left out so that
            // every environment holds exactly the same class mix.
            const size_t share = members.size() / envs;
            for (int k = 0; k < envs; ++k)
                parts[k].insert(parts[k].end(), members.begin() + k * share,
                                members.begin() + (k + 1) * share);
        }
        for (auto& p : parts)
            shuffle_in_place(p, rng);
        return parts;
    }
};

class HPartitioner : public Partitioner {
public:
    explicit HPartitioner(std::vector<std::vector<int>> assignment)
        : assignment_(std::move(assignment)) {}
    std::vector<IndexList> partition(const std::vector<uint8_t>& labels, int envs,
                                     uint64_t seed) const override {
        auto by_class = indices_by_class(labels);
        const auto groups =
            assignment_.empty() ? default_class_assignment(envs, int(by_class.size())) : assignment_;
        if (static_cast<int>(groups.size()) != envs)
            throw UsageError("--classes names " + std::to_string(groups.size()) +
                             " environments but --envs is " + std::to_string(envs));
        // A class with no training image holds nothing (make_environments
        // refuses classes the data does not have at all).
        for (const auto& group : groups)
            for (int c : group)
                if (c >= int(by_class.size()))
                    by_class.resize(size_t(c) + 1);
        std::mt19937_64 rng(derive_seed(seed, 2));
        std::vector<IndexList> parts(envs);
        for (int k = 0; k < envs; ++k) {
            for (int c : groups[k])
                parts[k].insert(parts[k].end(), by_class[c].begin(), by_class[c].end());
            shuffle_in_place(parts[k], rng);
        }
        return parts;
    }

private:
    std::vector<std::vector<int>> assignment_;
};

class DirichletPartitioner : public Partitioner {
public:
    explicit DirichletPartitioner(double alpha)
        : alpha_(alpha) {}
    std::vector<IndexList> partition(const std::vector<uint8_t>& labels, int envs,
                                     uint64_t seed) const override {
        std::mt19937_64 rng(derive_seed(seed, 3));
        const auto by_class = indices_by_class(labels);
        // As in the usual non-IID benchmarks: redraw until every environment
        // has a minimum number of samples, so none is left empty.
        const size_t minimum = std::min<size_t>(10, labels.size() / (2 * envs));
        for (int attempt = 0; attempt < 1000; ++attempt) {
            std::vector<IndexList> parts(envs);
            for (IndexList members : by_class) {
                shuffle_in_place(members, rng);
                std::vector<double> share(envs);
                double total = 0;
                for (int k = 0; k < envs; ++k) {
                    std::gamma_distribution<double> gamma(alpha_, 1.0);
                    share[k] = gamma(rng);
                    total += share[k];
                }
                // When every draw underflows (a tiny alpha) the class goes to
                // one environment, drawn uniformly: that is the limit of
                // Dirichlet(alpha) as alpha -> 0, not an even share.
                if (!(total > 0)) {
                    share.assign(envs, 0.0);
                    share[std::uniform_int_distribution<int>(0, envs - 1)(rng)] = 1;
                    total = 1;
                }
                size_t begin = 0;
                double cumulative = 0;
                for (int k = 0; k < envs; ++k) {
                    cumulative += share[k] / total;
                    const size_t end =
                        k + 1 == envs
                            ? members.size()
                            : std::min(members.size(),
                                       static_cast<size_t>(std::llround(cumulative * members.size())));
                    if (end > begin)
                        parts[k].insert(parts[k].end(), members.begin() + begin, members.begin() + end);
                    begin = std::max(begin, end);
                }
            }
            bool ok = true;
            for (const auto& p : parts)
                ok = ok && p.size() >= minimum;
            if (ok) {
                for (auto& p : parts)
                    shuffle_in_place(p, rng);
                return parts;
            }
        }
        throw UsageError("dirichlet split: could not give every environment at least " +
                         std::to_string(minimum) + " samples; raise --alpha or lower --envs");
    }

private:
    double alpha_;
};

} // namespace

std::unique_ptr<Partitioner> make_v_partitioner() {
    return std::make_unique<VPartitioner>();
}
std::unique_ptr<Partitioner> make_h_partitioner(std::vector<std::vector<int>> assignment) {
    return std::make_unique<HPartitioner>(std::move(assignment));
}
std::unique_ptr<Partitioner> make_dirichlet_partitioner(double alpha) {
    return std::make_unique<DirichletPartitioner>(alpha);
}

int label_class_count(const std::vector<uint8_t>& labels) {
    int highest = 0;
    for (uint8_t l : labels)
        highest = std::max<int>(highest, l);
    return highest + 1;
}

std::vector<std::vector<int>> default_class_assignment(int envs, int classes) {
    if (envs < 1 || envs > classes)
        throw UsageError("an H split needs 1 to " + std::to_string(classes) +
                         " environments (one class each), got " + std::to_string(envs));
    std::vector<std::vector<int>> groups(envs);
    int c = 0;
    for (int k = 0; k < envs; ++k) {
        const int size = classes / envs + (k < classes % envs ? 1 : 0);
        for (int i = 0; i < size; ++i)
            groups[k].push_back(c++);
    }
    return groups;
}

std::vector<std::vector<int>> parse_class_assignment(const std::string& text) {
    auto bad = [&](const std::string& why) {
        return setting_error("classes",
                             "'" + text + "': " + why + " (example: 0-4;5-9 or 0,2,4,6,8;1,3,5,7,9)");
    };
    auto parse_class = [&](const std::string& s) {
        if (s.empty() || s.size() > 2 || !std::all_of(s.begin(), s.end(), ::isdigit))
            throw bad("'" + s + "' is not a class number");
        const int c = std::stoi(s);
        if (c >= kMaxClasses)
            throw bad("class " + s + " is outside 0-" + std::to_string(kMaxClasses - 1));
        return c;
    };
    std::vector<std::vector<int>> groups;
    std::set<int> seen;
    std::stringstream groups_in(text);
    std::string group;
    int env = 0;
    while (std::getline(groups_in, group, ';')) {
        ++env;
        group.erase(std::remove_if(group.begin(), group.end(), ::isspace), group.end());
        if (group.empty())
            throw bad("environment " + std::to_string(env) + " has no classes");
        std::vector<int> classes;
        std::stringstream items(group);
        std::string item;
        while (std::getline(items, item, ',')) {
            const auto dash = item.find('-');
            int lo, hi;
            if (dash == std::string::npos) {
                lo = hi = parse_class(item);
            } else {
                lo = parse_class(item.substr(0, dash));
                hi = parse_class(item.substr(dash + 1));
                if (hi < lo)
                    throw bad("range " + item + " runs backwards");
            }
            for (int c = lo; c <= hi; ++c) {
                if (!seen.insert(c).second)
                    throw bad("class " + std::to_string(c) + " is given twice");
                classes.push_back(c);
            }
        }
        if (classes.empty())
            throw bad("environment " + std::to_string(env) + " has no classes");
        std::sort(classes.begin(), classes.end());
        groups.push_back(classes);
    }
    if (!text.empty() && text.back() == ';')
        throw bad("environment " + std::to_string(env + 1) + " has no classes");
    if (groups.empty())
        throw bad("no environments given");
    return groups;
}

std::string format_class_assignment(const std::vector<std::vector<int>>& assignment) {
    std::string out;
    for (size_t k = 0; k < assignment.size(); ++k) {
        if (k)
            out += ';';
        const auto& g = assignment[k];
        for (size_t i = 0; i < g.size();) {
            size_t j = i;
            while (j + 1 < g.size() && g[j + 1] == g[j] + 1)
                ++j;
            if (i)
                out += ',';
            out += std::to_string(g[i]);
            if (j > i)
                out += '-' + std::to_string(g[j]);
            i = j + 1;
        }
    }
    return out;
}

namespace {

std::vector<SplitKind> builtin_splits() {
    SplitKind v{
        {"V",
         QT_TRANSLATE_NOOP("mergelab", "V: every environment has all classes"),
         QT_TRANSLATE_NOOP("mergelab",
                           "every environment holds all ten classes in equal shares, different samples"),
         "Lee et al., section 4 (V-environment)",
         {}},
        [](const SplitSpec&) { return make_v_partitioner(); }};
    SplitKind h{
        {"H",
         QT_TRANSLATE_NOOP("mergelab", "H: environments hold different classes"),
         QT_TRANSLATE_NOOP(
             "mergelab",
             "each environment holds only its own classes (default: even contiguous groups, 0-4 / 5-9)"),
         "Lee et al., section 4 (H-environment)",
         {}},
        [](const SplitSpec& spec) { return make_h_partitioner(spec.classes); }};
    h.uses_classes = true;
    SplitKind dirichlet{
        {"dirichlet",
         QT_TRANSLATE_NOOP("mergelab", "Dirichlet: skewed class shares"),
         QT_TRANSLATE_NOOP(
             "mergelab",
             "each class is shared among the environments in proportions drawn from Dirichlet(alpha)"),
         "Hsu, Qi and Brown, Measuring the effects of non-identical data distribution (2019)",
         {}},
        [](const SplitSpec& spec) { return make_dirichlet_partitioner(spec.alpha); }};
    return {v, h, dirichlet};
}

std::vector<SplitKind>& split_registry() {
    static std::vector<SplitKind> registry = builtin_splits();
    return registry;
}

} // namespace

const std::vector<SplitKind>& split_kinds() {
    return split_registry();
}

void register_split(SplitKind kind) {
    add_entry(split_registry(), std::move(kind));
}

const SplitKind* find_split(const std::string& name) {
    return find_entry(split_kinds(), name);
}

std::vector<std::string> split_names() {
    return entry_names(split_kinds());
}

void validate(const SplitSpec& spec) {
    // The split's own settings against their declarations (settings.cpp).
    ExperimentConfig config;
    config.split = spec;
    for (const char* key :
         {"split", "envs", "classes", "alpha", "val_fraction", "train_limit", "train_fraction"})
        check_setting(setting(key), setting(key).get(config));
    const SplitKind* kind = find_split(spec.kind);
    if (kind->uses_classes && !spec.classes.empty() && static_cast<int>(spec.classes.size()) != spec.envs)
        throw setting_error("classes", "names " + std::to_string(spec.classes.size()) +
                                           " environments but --envs is " + std::to_string(spec.envs));
    if (kind->uses_classes && spec.classes.empty() && spec.envs > kMaxClasses)
        throw setting_error("envs", "cannot exceed the classes in an H split");
}

std::unique_ptr<Partitioner> make_partitioner(const SplitSpec& spec) {
    validate(spec);
    return find_split(spec.kind)->make(spec);
}

std::vector<EnvironmentData> make_environments(const SplitSpec& given, const std::vector<uint8_t>& labels,
                                               uint64_t seed, int classes) {
    SplitSpec spec = given;
    // H's default groups divide the data's classes, which the labels alone
    // may not show (a class with no training image).
    const SplitKind* kind = find_split(spec.kind);
    if (classes <= 0)
        classes = label_class_count(labels);
    if (kind && kind->uses_classes && spec.classes.empty())
        spec.classes = default_class_assignment(spec.envs, classes);
    if (kind && kind->uses_classes)
        for (const auto& group : spec.classes)
            for (int c : group)
                if (c >= classes)
                    throw setting_error("classes", "class " + std::to_string(c) +
                                                       " is not in the data, whose " +
                                                       std::to_string(classes) + " classes are 0-" +
                                                       std::to_string(classes - 1));
    const auto parts = make_partitioner(spec)->partition(labels, spec.envs, seed);
    std::vector<EnvironmentData> envs(parts.size());
    for (size_t k = 0; k < parts.size(); ++k) {
        const IndexList& pool = parts[k]; // already shuffled by the partitioner
        if (pool.size() < 2)
            throw UsageError("environment " + std::to_string(k + 1) + " would hold " +
                             std::to_string(pool.size()) + " images; too few to train and validate");
        size_t val = std::max<size_t>(1, static_cast<size_t>(std::llround(spec.val_fraction * pool.size())));
        size_t train = pool.size() - val;
        if (spec.train_fraction < 1) {
            train = std::max<size_t>(1, static_cast<size_t>(std::llround(train * spec.train_fraction)));
            val = std::max<size_t>(1, static_cast<size_t>(std::llround(val * spec.train_fraction)));
        }
        if (spec.train_limit > 0 && train > static_cast<size_t>(spec.train_limit)) {
            // Keep the validation share relative to the smaller training set.
            train = static_cast<size_t>(spec.train_limit);
            val =
                std::max<size_t>(1, std::min(val, static_cast<size_t>(std::llround(
                                                      train * spec.val_fraction / (1 - spec.val_fraction)))));
        }
        envs[k].val.assign(pool.begin(), pool.begin() + val);
        envs[k].train.assign(pool.begin() + val, pool.begin() + val + train);
        std::set<int> present;
        for (int64_t i : envs[k].train)
            present.insert(labels[i]);
        for (int64_t i : envs[k].val)
            present.insert(labels[i]);
        envs[k].classes.assign(present.begin(), present.end());
    }
    return envs;
}

} // namespace mergelab
