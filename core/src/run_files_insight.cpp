#include "run_files_insight.h"

#include <cmath>

namespace mergelab::insight_json {

namespace {

Json number_or_null(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

bool is_fraction(const Json& v) {
    return v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 1;
}

double read_number(const Json& owner, const std::string& path, const std::string& key, double lo, double hi,
                   const Fail& fail) {
    const auto it = owner.find(key);
    if (it == owner.end())
        fail(path + "." + key, "is missing");
    if (it->is_null())
        return std::nan(""); // a diverged loss
    if (!it->is_number())
        fail(path + "." + key, "must be a number");
    const double x = it->get<double>();
    if (!(x >= lo && x <= hi))
        fail(path + "." + key, "is " + std::to_string(x) + ", outside its range");
    return x;
}

MethodProvenance read_method(const std::string& method, const Json& tensors, const std::string& path,
                             size_t envs, const Fail& fail) {
    if (!tensors.is_object() || tensors.size() > 256)
        fail(path, "must be an object of tensors");
    MethodProvenance mp{method, {}};
    for (const auto& [name, t] : tensors.items()) {
        const std::string tp = path + "." + name;
        if (name.empty() || name.size() > 128 ||
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != std::string::npos)
            fail(path, "names a tensor that is not a parameter name");
        if (!t.is_object() || !t.contains("counts") || !t["counts"].is_array() || t["counts"].size() != envs)
            fail(tp + ".counts", "must hold one count per environment");
        TensorProvenance p;
        p.tensor = name;
        for (const Json& c : t["counts"]) {
            if (!c.is_number_integer() || c.get<int64_t>() < 0)
                fail(tp + ".counts", "must hold whole numbers >= 0");
            p.counts.push_back(c.get<int64_t>());
        }
        const double flips = read_number(t, tp, "sign_flips", 0, double(p.elements()), fail);
        if (std::isnan(flips) || flips != std::floor(flips))
            fail(tp + ".sign_flips", "must be a whole number");
        p.sign_flips = static_cast<int64_t>(flips);
        mp.tensors.push_back(std::move(p));
    }
    return mp;
}

InterpolationPath read_path(const Json& j, const std::string& path, const Fail& fail) {
    if (!j.is_object())
        fail(path, "must be an object");
    InterpolationPath out;
    out.images = static_cast<int64_t>(read_number(j, path, "images", 1, 1e7, fail));
    const auto it = j.find("points");
    if (it == j.end() || !it->is_array() || it->size() < 2 || it->size() > 1000)
        fail(path + ".points", "must be a list of 2 to 1000 points");
    double last_t = -1;
    for (size_t i = 0; i < it->size(); ++i) {
        const std::string pp = path + ".points[" + std::to_string(i) + "]";
        const Json& p = (*it)[i];
        if (!p.is_object())
            fail(pp, "must be an object");
        InterpolationPoint point{read_number(p, pp, "t", 0, 1, fail),
                                 read_number(p, pp, "test_acc", 0, 1, fail),
                                 read_number(p, pp, "test_loss", 0, 1e30, fail)};
        if (std::isnan(point.t) || std::isnan(point.test_acc) || point.t <= last_t)
            fail(pp, "must have t ascending from 0 to 1 and an accuracy");
        last_t = point.t;
        out.points.push_back(point);
    }
    // Derived, so never trusted from the file.
    out.barrier = barrier_of(out.points);
    return out;
}

} // namespace

Json class_acc(const ConfusionMatrix& confusion) {
    Json out = Json::array();
    for (const auto& acc : class_accuracy(confusion))
        out.push_back(acc ? Json(*acc) : Json(nullptr));
    return out;
}

void add_round_fields(const RoundResult& r, Json& out) {
    Json provenance = Json::object();
    for (const auto& m : r.provenance) {
        Json tensors = Json::object();
        for (const auto& t : m.tensors)
            tensors[t.tensor] =
                Json{{"shares", t.shares()}, {"counts", t.counts}, {"sign_flips", t.sign_flips}};
        provenance[m.method] = tensors;
    }
    out["provenance"] = provenance;
    if (!r.env_path)
        return;
    out["barrier"] = number_or_null(r.env_path->barrier);
    Json points = Json::array();
    for (const auto& p : r.env_path->points)
        points.push_back(
            Json{{"t", p.t}, {"test_acc", p.test_acc}, {"test_loss", number_or_null(p.test_loss)}});
    out["interpolation"] =
        Json{{"from", "env 1"}, {"to", "env 2"}, {"images", r.env_path->images}, {"points", points}};
}

void check_class_acc(const Json& owner, const std::string& path, int classes, const Fail& fail) {
    const auto it = owner.find("class_acc");
    if (it == owner.end())
        return;
    if (!it->is_array() || it->size() != static_cast<size_t>(classes))
        fail(path + ".class_acc", "must hold " + std::to_string(classes) + " accuracies, one per class");
    for (const Json& v : *it)
        if (!v.is_null() && !is_fraction(v))
            fail(path + ".class_acc", "must hold accuracies in [0, 1] or null");
}

void read_round_fields(const Json& round, const std::string& path, size_t envs, RoundResult& out,
                       const Fail& fail) {
    if (const auto it = round.find("provenance"); it != round.end()) {
        if (!it->is_object() || it->size() > 64)
            fail(path + ".provenance", "must be an object of methods");
        for (const auto& [method, tensors] : it->items())
            out.provenance.push_back(
                read_method(method, tensors, path + ".provenance." + method, envs, fail));
    }
    for (const auto& m : out.provenance)
        if (!out.method(m.method))
            fail(path + ".provenance", "names '" + m.method + "', which this round did not merge");
    if (const auto it = round.find("interpolation"); it != round.end())
        out.env_path = read_path(*it, path + ".interpolation", fail);
}

} // namespace mergelab::insight_json
