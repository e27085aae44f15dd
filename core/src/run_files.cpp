#include "mergelab/run_files.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "mergelab/error.h"
#include "mergelab/files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "mergelab/split.h"
#include "mergelab/text.h"
#include "run_files_insight.h"
#include "run_files_internal.h"

namespace mergelab {

using Json = nlohmann::ordered_json;

// ---- writing -----------------------------------------------------------------

namespace {

Json stats_json(const Stats& s) {
    return Json{{"mean", s.mean}, {"std", s.std}, {"min", s.min}, {"max", s.max}};
}

// JSON has no NaN: a diverged metric is written as null.
Json number(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

// Every setting under its key, in the declared order (settings.cpp).
Json config_json(const ExperimentConfig& c) {
    Json j = Json::object();
    for (const auto& d : settings()) {
        const SettingValue v = d.get(c);
        switch (d.type) {
        case SettingType::Integer:
            j[d.key] = std::get<int64_t>(v);
            break;
        case SettingType::Real:
            j[d.key] = std::get<double>(v);
            break;
        case SettingType::Flag:
            j[d.key] = std::get<bool>(v);
            break;
        case SettingType::List:
            j[d.key] = std::get<std::vector<std::string>>(v);
            break;
        case SettingType::ClassGroups:
            j[d.key] = c.split.classes;
            break;
        case SettingType::Choice:
        case SettingType::Text:
            j[d.key] = std::get<std::string>(v);
            break;
        }
    }
    return j;
}

std::string predictions_string(const std::vector<uint8_t>& p) {
    std::string s(p.size(), '0');
    for (size_t i = 0; i < p.size(); ++i)
        s[i] = static_cast<char>('0' + p[i] % 10);
    return s;
}

Json round_json(const RoundResult& r) {
    Json j{{"round", r.round}, {"primary", r.primary}};
    if (r.central_test_acc)
        j["central"] = Json{{"test_acc", number(*r.central_test_acc)}};
    Json envs = Json::array();
    for (const auto& e : r.envs)
        envs.push_back(Json{{"val_acc", number(e.val_acc)},
                            {"val_loss", number(e.val_loss)},
                            {"train_loss", number(e.train_loss)},
                            {"train_seconds", e.train_seconds},
                            {"epochs", e.epochs},
                            {"test_acc", number(e.test_acc)},
                            {"test_confusion", e.test_confusion},
                            {"class_acc", insight_json::class_acc(e.test_confusion)},
                            {"bytes", Json{{"sent_weights", e.sent_weight_bytes},
                                           {"sent_statistics", e.sent_statistics_bytes},
                                           {"received_weights", e.received_weight_bytes},
                                           {"received_statistics", e.received_statistics_bytes}}}});
    j["envs"] = envs;
    Json merged = Json::object();
    for (const auto& m : r.merged) {
        Json env_val = Json::array();
        for (double v : m.env_val_acc)
            env_val.push_back(number(v));
        merged[m.method] =
            Json{{"test_acc", number(m.test_acc)}, {"test_loss", number(m.test_loss)},
                 {"confusion", m.confusion},       {"class_acc", insight_json::class_acc(m.confusion)},
                 {"env_val_acc", env_val},         {"predictions", predictions_string(m.predictions)}};
    }
    j["merged"] = merged;
    Json hist = Json::object();
    for (const auto& h : r.histograms) {
        Json merged_counts = Json::object(), merged_stats = Json::object();
        for (const auto& [name, counts] : h.merged)
            merged_counts[name] = counts;
        for (const auto& [name, s] : h.merged_stats)
            merged_stats[name] = stats_json(s);
        Json env_stats = Json::array();
        for (const auto& s : h.env_stats)
            env_stats.push_back(stats_json(s));
        hist[h.tensor] = Json{{"range", {h.lo, h.hi}},
                              {"envs", h.envs},
                              {"merged", merged_counts},
                              {"stats", Json{{"envs", env_stats}, {"merged", merged_stats}}}};
    }
    j["histograms"] = hist;
    insight_json::add_round_fields(r, j);
    Json merged_envs = Json::array();
    for (int k : r.merged_envs)
        merged_envs.push_back(k + 1);
    j["merged_envs"] = merged_envs;
    j["seconds"] = r.seconds;
    j["training_seconds"] = r.training_seconds;
    return j;
}

} // namespace

Json run_json(const RunResult& run) {
    Json j{{"format", kRunFormat}, {"version", kRunFormatVersion}, {"config", config_json(run.config)}};
    if (!run.lane.empty())
        j["lane"] = run.lane;
    j["classes"] = run.class_names.empty() ? fashion_mnist_class_names() : run.class_names;
    Json envs = Json::array();
    for (const auto& e : run.envs)
        envs.push_back(Json{{"classes", e.classes}, {"train_size", e.train_size}, {"val_size", e.val_size}});
    j["envs"] = envs;
    Json rounds = Json::array();
    for (const auto& r : run.rounds)
        rounds.push_back(round_json(r));
    j["rounds"] = rounds;
    j["stopped"] = name_of(run.stopped);
    j["message"] = run.message;
    return j;
}

std::string run_to_json(const RunResult& run, int indent) {
    return run_json(run).dump(indent);
}

void write_run_files(RunFolder& folder, const std::string& prefix, const RunResult& run) {
    folder.write_file(prefix + "run.json", run_to_json(run, 1));
    folder.write_file(prefix + "metrics.csv", metrics_csv(run));
}

std::string model_file_name(int round, int env_from_one) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "round-%03d-env-%d.pt", round, env_from_one);
    return buf;
}

std::string model_file_name(int round, const std::string& method) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "round-%03d-", round);
    return buf + method + ".pt";
}

std::vector<std::string> model_files_of(const RunResult& run) {
    std::vector<std::string> methods = evaluated_methods(run.config);
    methods.push_back(run.config.method);
    methods.push_back(kCentralModel);
    methods.push_back("init");
    for (const auto& r : run.rounds)
        for (const auto& m : r.merged)
            methods.push_back(m.method);
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    const int envs = std::max(int(run.envs.size()), int(run.config.split.envs));
    std::vector<std::string> names;
    for (int round = 0; round <= int(run.rounds.size()) + 1; ++round) {
        for (int k = 1; k <= envs; ++k)
            names.push_back(model_file_name(round, k));
        for (const auto& m : methods)
            names.push_back(model_file_name(round, m));
    }
    return names;
}

// ---- reading -----------------------------------------------------------------

namespace {

// A confusion matrix counts test images, of which the IDX reader accepts at
// most this many; other counts (histogram bins) stay far below 2^62, so
// their sums cannot overflow.
constexpr int64_t kMaxTestImages = 10'000'000;
constexpr int64_t kMaxCount = int64_t{1} << 50;

// Field access that names the file and the field path on every mismatch.
class Reader {
public:
    explicit Reader(std::string source)
        : source_(std::move(source)) {}

    // The run's class count, from its "classes": sizes every confusion matrix.
    int classes = kFashionClasses;

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw Error(source_ + ": field '" + path + "' " + what);
    }

    const Json& at(const Json& j, const std::string& path, const std::string& key) const {
        if (!j.is_object())
            fail(path, "is not an object");
        auto it = j.find(key);
        if (it == j.end())
            fail(join(path, key), "is missing");
        return *it;
    }

    double num(const Json& j, const std::string& path, const std::string& key) const {
        const Json& v = at(j, path, key);
        if (v.is_null())
            return std::nan(""); // a diverged metric
        if (!v.is_number())
            fail(join(path, key), "must be a number");
        return v.get<double>();
    }

    // An accuracy is a fraction; nothing else can be shown as a percentage.
    double fraction(const Json& j, const std::string& path, const std::string& key) const {
        const Json& v = at(j, path, key);
        if (!v.is_number())
            fail(join(path, key), "must be an accuracy (a number in [0, 1])");
        const double x = v.get<double>();
        if (!(x >= 0 && x <= 1))
            fail(join(path, key), "is " + std::to_string(x) + ", not an accuracy in [0, 1]");
        return x;
    }

    double fraction(const Json& list, const std::string& path, size_t index) const {
        Json wrapped{{"[" + std::to_string(index) + "]", list[index]}};
        return fraction(wrapped, path, "[" + std::to_string(index) + "]");
    }

    // Losses may be null (a diverged run) but never negative or infinite.
    double loss(const Json& j, const std::string& path, const std::string& key) const {
        const double x = num(j, path, key);
        if (!std::isnan(x) && !(x >= 0 && x < 1e30))
            fail(join(path, key), "is not a loss (>= 0)");
        return x;
    }

    double seconds(const Json& j, const std::string& path, const std::string& key) const {
        const double x = num(j, path, key);
        if (!(x >= 0 && x < 1e9))
            fail(join(path, key), "is not a duration in seconds");
        return x;
    }

    int64_t integer(const Json& j, const std::string& path, const std::string& key, int64_t lo,
                    int64_t hi) const {
        const Json& v = at(j, path, key);
        if (!v.is_number_integer())
            fail(join(path, key), "must be a whole number");
        const int64_t x = v.get<int64_t>();
        if (x < lo || x > hi)
            fail(join(path, key),
                 "is " + std::to_string(x) + ", outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return x;
    }

    std::string str(const Json& j, const std::string& path, const std::string& key) const {
        const Json& v = at(j, path, key);
        if (!v.is_string())
            fail(join(path, key), "must be a string");
        return v.get<std::string>();
    }

    bool boolean(const Json& j, const std::string& path, const std::string& key) const {
        const Json& v = at(j, path, key);
        if (!v.is_boolean())
            fail(join(path, key), "must be true or false");
        return v.get<bool>();
    }

    const Json& array(const Json& j, const std::string& path, const std::string& key,
                      size_t max = 1u << 20) const {
        const Json& v = at(j, path, key);
        if (!v.is_array())
            fail(join(path, key), "must be a list");
        if (v.size() > max)
            fail(join(path, key), "has too many entries");
        return v;
    }

    std::vector<std::string> strings(const Json& j, const std::string& path, const std::string& key) const {
        std::vector<std::string> out;
        const Json& a = array(j, path, key, 64);
        for (size_t i = 0; i < a.size(); ++i) {
            if (!a[i].is_string())
                fail(join(path, key) + "[" + std::to_string(i) + "]", "must be a string");
            out.push_back(a[i].get<std::string>());
        }
        return out;
    }

    // `largest` bounds each count and their sum, so totals computed from
    // them cannot overflow.
    std::vector<int64_t> counts(const Json& a, const std::string& path, size_t max,
                                int64_t largest = kMaxCount) const {
        if (!a.is_array() || a.size() > max)
            fail(path, "must be a list of at most " + std::to_string(max) + " counts");
        std::vector<int64_t> out;
        out.reserve(a.size());
        int64_t sum = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            const std::string at = path + "[" + std::to_string(i) + "]";
            if (!a[i].is_number_integer() ||
                (a[i].is_number_unsigned() && a[i].get<uint64_t>() > uint64_t(INT64_MAX)) ||
                a[i].get<int64_t>() < 0)
                fail(at, "must be a count (a whole number >= 0)");
            const int64_t v = a[i].get<int64_t>();
            sum += std::min(v, largest + 1);
            if (v > largest || sum > largest)
                fail(at, "is " + std::to_string(v) + ", more than the " + std::to_string(largest) +
                             " any run can count");
            out.push_back(v);
        }
        return out;
    }

    ConfusionMatrix confusion(const Json& j, const std::string& path, const std::string& key) const {
        const size_t n = static_cast<size_t>(classes);
        const Json& rows = array(j, path, key, n);
        if (rows.size() != n)
            fail(join(path, key), "must have " + std::to_string(n) + " rows, one per class");
        ConfusionMatrix m = empty_confusion(classes);
        int64_t total = 0;
        for (size_t t = 0; t < n; ++t) {
            const auto row =
                counts(rows[t], join(path, key) + "[" + std::to_string(t) + "]", n, kMaxTestImages);
            for (int64_t v : row)
                total += v;
            if (total > kMaxTestImages)
                fail(join(path, key), "counts more than the " + std::to_string(kMaxTestImages) +
                                          " test images any data set can hold");
            if (row.size() != n)
                fail(join(path, key) + "[" + std::to_string(t) + "]",
                     "must have " + std::to_string(n) + " counts, one per class");
            for (size_t p = 0; p < n; ++p)
                m[t][p] = row[p];
        }
        return m;
    }

    Stats stats(const Json& j, const std::string& path) const {
        return Stats{num(j, path, "mean"), num(j, path, "std"), num(j, path, "min"), num(j, path, "max")};
    }

    static std::string join(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }

private:
    std::string source_;
};

// A missing key keeps its default (files written before the setting
// existed); a present one must have the declared kind and range.
ExperimentConfig config_from(const Reader& rd, const Json& j) {
    const std::string p = "config";
    if (!j.is_object())
        rd.fail(p, "is not an object");
    ExperimentConfig c;
    for (const auto& d : settings()) {
        auto it = j.find(d.key);
        if (it == j.end())
            continue;
        const Json& v = *it;
        const std::string path = p + "." + d.key;
        SettingValue value;
        switch (d.type) {
        case SettingType::Integer:
            if (!v.is_number_integer())
                rd.fail(path, "must be a whole number");
            if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX))
                rd.fail(path, "is too large");
            value = v.get<int64_t>();
            break;
        case SettingType::Real:
            if (!v.is_number())
                rd.fail(path, "must be a number");
            value = v.get<double>();
            break;
        case SettingType::Flag:
            if (!v.is_boolean())
                rd.fail(path, "must be true or false");
            value = v.get<bool>();
            break;
        case SettingType::List:
            value = rd.strings(j, p, d.key);
            break;
        case SettingType::ClassGroups: {
            const Json& groups = rd.array(j, p, d.key, kMaxClasses);
            std::vector<std::vector<int>> classes;
            for (size_t k = 0; k < groups.size(); ++k) {
                std::vector<int> group;
                for (int64_t cls : rd.counts(groups[k], path + "[" + std::to_string(k) + "]", kMaxClasses)) {
                    if (cls >= kMaxClasses)
                        rd.fail(path, "names class " + std::to_string(cls));
                    group.push_back(static_cast<int>(cls));
                }
                classes.push_back(group);
            }
            try {
                value = format_class_assignment(classes);
                if (!classes.empty())
                    parse_class_assignment(std::get<std::string>(value));
            } catch (const UsageError& e) {
                rd.fail(path, e.problem());
            }
            break;
        }
        case SettingType::Choice:
        case SettingType::Text:
            value = rd.str(j, p, d.key);
            break;
        }
        try {
            check_setting(d, value);
            d.set(c, value);
        } catch (const UsageError& e) {
            rd.fail(path, e.problem());
        }
    }
    return c;
}

RoundResult round_from(const Reader& rd, const Json& j, const std::string& p, size_t envs, int bins) {
    RoundResult r;
    const insight_json::Fail fail = [&rd](const std::string& path, const std::string& what) {
        rd.fail(path, what);
    };
    r.round = static_cast<int>(rd.integer(j, p, "round", 1, 10000));
    r.primary = rd.str(j, p, "primary");
    if (j.contains("central"))
        r.central_test_acc = rd.fraction(rd.at(j, p, "central"), p + ".central", "test_acc");
    const Json& env_list = rd.array(j, p, "envs", 10);
    if (env_list.size() != envs)
        rd.fail(p + ".envs", "must have one entry per environment");
    for (size_t k = 0; k < env_list.size(); ++k) {
        const std::string ep = p + ".envs[" + std::to_string(k) + "]";
        const Json& e = env_list[k];
        EnvRoundMetrics m;
        m.val_acc = rd.fraction(e, ep, "val_acc");
        m.val_loss = rd.loss(e, ep, "val_loss");
        m.train_loss = rd.loss(e, ep, "train_loss");
        m.train_seconds = rd.seconds(e, ep, "train_seconds");
        m.epochs = static_cast<int>(rd.integer(e, ep, "epochs", 0, 1000));
        m.test_acc = rd.fraction(e, ep, "test_acc");
        m.test_confusion = rd.confusion(e, ep, "test_confusion");
        insight_json::check_class_acc(e, ep, rd.classes, fail);
        // Files written before bytes were counted have none: zero.
        if (e.is_object() && e.contains("bytes")) {
            const Json& b = rd.at(e, ep, "bytes");
            const auto bytes = [&](const char* key) {
                return rd.integer(b, ep + ".bytes", key, 0, 1LL << 50);
            };
            m.sent_weight_bytes = bytes("sent_weights");
            m.sent_statistics_bytes = bytes("sent_statistics");
            m.received_weight_bytes = bytes("received_weights");
            // Files written before statistics travelled down have none.
            if (b.is_object() && b.contains("received_statistics"))
                m.received_statistics_bytes = bytes("received_statistics");
        }
        r.envs.push_back(m);
    }
    const Json& merged = rd.at(j, p, "merged");
    if (!merged.is_object() || merged.size() > 64)
        rd.fail(p + ".merged", "must be an object of methods");
    for (const auto& [name, m] : merged.items()) {
        const std::string mp = p + ".merged." + name;
        MethodMetrics mm;
        mm.method = name;
        if (name.empty() || name.size() > 64 ||
            name.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+:.=,@-") !=
                std::string::npos)
            rd.fail(p + ".merged", "names a method '" + printable(name, 64) + "' that is not a method name");
        mm.test_acc = rd.fraction(m, mp, "test_acc");
        mm.test_loss = rd.loss(m, mp, "test_loss");
        mm.confusion = rd.confusion(m, mp, "confusion");
        insight_json::check_class_acc(m, mp, rd.classes, fail);
        const Json& ev = rd.array(m, mp, "env_val_acc", 10);
        for (size_t k = 0; k < ev.size(); ++k) {
            mm.env_val_acc.push_back(rd.fraction(ev, mp + ".env_val_acc", k));
        }
        if (m.contains("predictions")) {
            const std::string pred = rd.str(m, mp, "predictions");
            mm.predictions.reserve(pred.size());
            for (char ch : pred) {
                if (ch < '0' || ch > '9')
                    rd.fail(mp + ".predictions", "must hold digits 0-9 only");
                mm.predictions.push_back(static_cast<uint8_t>(ch - '0'));
            }
        }
        r.merged.push_back(std::move(mm));
    }
    const Json& hist = rd.at(j, p, "histograms");
    if (!hist.is_object() || hist.size() > 256)
        rd.fail(p + ".histograms", "must be an object of tensors");
    for (const auto& [name, h] : hist.items()) {
        const std::string hp = p + ".histograms." + name;
        LayerHistogram lh;
        lh.tensor = name;
        const Json& range = rd.array(h, hp, "range", 2);
        if (range.size() != 2 || !range[0].is_number() || !range[1].is_number())
            rd.fail(hp + ".range", "must be [lo, hi]");
        lh.lo = range[0].get<double>();
        lh.hi = range[1].get<double>();
        if (!(std::isfinite(lh.lo) && std::isfinite(lh.hi) && lh.lo <= lh.hi))
            rd.fail(hp + ".range", "must be [lo, hi] with lo <= hi");
        const Json& env_counts = rd.array(h, hp, "envs", 10);
        for (size_t k = 0; k < env_counts.size(); ++k)
            lh.envs.push_back(
                rd.counts(env_counts[k], hp + ".envs[" + std::to_string(k) + "]", size_t(bins)));
        const Json& mc = rd.at(h, hp, "merged");
        if (!mc.is_object())
            rd.fail(hp + ".merged", "must be an object");
        for (const auto& [method, counts] : mc.items())
            lh.merged[method] = rd.counts(counts, hp + ".merged." + method, size_t(bins));
        const Json& st = rd.at(h, hp, "stats");
        const Json& es = rd.array(st, hp + ".stats", "envs", 10);
        for (size_t k = 0; k < es.size(); ++k)
            lh.env_stats.push_back(rd.stats(es[k], hp + ".stats.envs"));
        const Json& ms = rd.at(st, hp + ".stats", "merged");
        if (!ms.is_object())
            rd.fail(hp + ".stats.merged", "must be an object");
        for (const auto& [method, s] : ms.items())
            lh.merged_stats[method] = rd.stats(s, hp + ".stats.merged." + method);
        r.histograms.push_back(std::move(lh));
    }
    if (j.contains("merged_envs")) {
        // Environments as people number them, ascending, each once.
        const Json& merged_envs = rd.array(j, p, "merged_envs", envs);
        for (const Json& v : merged_envs) {
            const int64_t k = v.is_number_integer() ? v.get<int64_t>() : 0;
            if (k < 1 || k > int64_t(envs) || (!r.merged_envs.empty() && k - 1 <= r.merged_envs.back()))
                rd.fail(p + ".merged_envs", "must list environments 1.." + std::to_string(envs) +
                                                " in ascending order, each once");
            r.merged_envs.push_back(int(k - 1));
        }
    } else {
        for (int k = 0; k < int(envs); ++k)
            r.merged_envs.push_back(k);
    }
    // Provenance counts one share per merged environment.
    insight_json::read_round_fields(j, p, r.merged_envs.size(), r, fail);
    r.seconds = rd.seconds(j, p, "seconds");
    if (j.contains("training_seconds"))
        r.training_seconds = rd.seconds(j, p, "training_seconds");
    return r;
}

} // namespace

int64_t check_run_header(const Json& j, const std::string& source) {
    Reader rd(source);
    if (!j.is_object())
        throw Error(source + ": not a MergeLab run file (the top level is not an object)");
    if (!j.contains("format") || !j["format"].is_string() || j["format"] != kRunFormat)
        throw Error(source + ": not a MergeLab run file (field 'format' is not \"" + kRunFormat + "\")");
    const int64_t version = rd.integer(j, "", "version", 1, INT32_MAX);
    if (version > kRunFormatVersion)
        throw Error(source + ": written by a newer MergeLab (run format version " + std::to_string(version) +
                    "; this version reads up to " + std::to_string(kRunFormatVersion) + ")");
    return version;
}

RunResult run_from_value(const Json& j, const std::string& source) {
    const int64_t version = check_run_header(j, source);
    Reader rd(source);
    RunResult run;
    run.format_version = static_cast<int>(version);
    run.config = config_from(rd, rd.at(j, "", "config"));
    run.class_names = fashion_mnist_class_names();
    if (j.contains("classes")) {
        const Json& names = rd.array(j, "", "classes", kMaxClasses);
        if (names.size() < 2)
            rd.fail("classes", "must name 2 to " + std::to_string(kMaxClasses) + " classes");
        run.class_names.clear();
        for (size_t i = 0; i < names.size(); ++i) {
            if (!names[i].is_string() || names[i].get_ref<const std::string&>().size() > 255)
                rd.fail("classes[" + std::to_string(i) + "]", "must be a class name of at most 255 bytes");
            run.class_names.push_back(names[i].get<std::string>());
        }
    }
    run.config.classes = static_cast<int>(run.class_names.size());
    rd.classes = run.config.classes;
    if (j.contains("lane"))
        run.lane = rd.str(j, "", "lane");
    const Json& envs = rd.array(j, "", "envs", 10);
    const Json& round_list = rd.array(j, "", "rounds", 10000);
    // A run that failed while splitting has no environments and no rounds,
    // and still says why it failed.
    const bool failed_early = envs.empty() && round_list.empty();
    if (static_cast<int>(envs.size()) != run.config.split.envs && !failed_early)
        rd.fail("envs", "has " + std::to_string(envs.size()) + " entries but config.envs is " +
                            std::to_string(run.config.split.envs));
    for (size_t k = 0; k < envs.size(); ++k) {
        const std::string ep = "envs[" + std::to_string(k) + "]";
        EnvironmentSummary e;
        for (int64_t c :
             rd.counts(rd.array(envs[k], ep, "classes", kMaxClasses), ep + ".classes", kMaxClasses)) {
            if (c >= run.config.classes)
                rd.fail(ep + ".classes", "names class " + std::to_string(c));
            e.classes.push_back(static_cast<int>(c));
        }
        e.train_size = rd.integer(envs[k], ep, "train_size", 0, INT64_MAX);
        e.val_size = rd.integer(envs[k], ep, "val_size", 0, INT64_MAX);
        run.envs.push_back(e);
    }
    const auto methods = evaluated_methods(run.config);
    for (size_t i = 0; i < round_list.size(); ++i) {
        const std::string rp = "rounds[" + std::to_string(i) + "]";
        run.rounds.push_back(round_from(rd, round_list[i], rp, envs.size(), run.config.histogram_bins));
        const RoundResult& r = run.rounds.back();
        if (r.round != static_cast<int>(i) + 1)
            rd.fail(rp + ".round",
                    "is " + std::to_string(r.round) + "; rounds must count 1, 2, 3, ... in order");
        for (const auto& m : methods)
            if (!r.method(m))
                rd.fail(rp + ".merged", "lacks method '" + m + "', which the run evaluates");
        if (r.primary != run.config.method)
            rd.fail(rp + ".primary", "differs from config.method");
    }
    if (!parse_name(rd.str(j, "", "stopped"), run.stopped))
        rd.fail("stopped", "names no known state");
    if (j.contains("message"))
        run.message = rd.str(j, "", "message");
    return run;
}

RunResult run_from_json(const std::string& text, const std::string& source) {
    const Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded())
        throw Error(source + ": not valid JSON");
    if (j.is_object() && j.contains("repeats"))
        throw Error(source + ": holds the runs of several seeds, not one run");
    return run_from_value(j, source);
}

std::string config_to_json(const ExperimentConfig& config) {
    return config_json(config).dump(1);
}

ExperimentConfig config_from_json(const std::string& text, const std::string& source) {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded())
        throw Error(source + ": not valid JSON");
    Reader rd(source);
    Json wrapped{{"config", j}};
    return config_from(rd, rd.at(wrapped, "", "config"));
}

} // namespace mergelab
