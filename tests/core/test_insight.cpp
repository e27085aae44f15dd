// Provenance of picking merges, the class-stratified subset, interpolation
// and its barrier, and the round fields run.json gained in format 2.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

#include "mergelab/align.h"
#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/interpolation.h"
#include "mergelab/merge.h"
#include "mergelab/provenance.h"
#include "mergelab/run_files.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_insight {

using namespace mergelab;

namespace {

// Three models with planted ties: equal values (env 1 and 2), equal
// magnitudes of opposite sign, and all three equal.
std::vector<WeightSet> planted_models() {
    std::vector<WeightSet> sets{initial_weights("cnn", 11), initial_weights("cnn", 12),
                                initial_weights("cnn", 13)};
    for (size_t t = 0; t < sets[0].size(); ++t) {
        auto& a = sets[0][t].values;
        auto& b = sets[1][t].values;
        auto& c = sets[2][t].values;
        for (size_t i = 0; i < a.size(); i += 5)
            b[i] = a[i];
        for (size_t i = 1; i < a.size(); i += 7)
            b[i] = -a[i], c[i] = -a[i];
        for (size_t i = 2; i < a.size(); i += 9)
            b[i] = a[i], c[i] = a[i];
        for (size_t i = 3; i < a.size(); i += 11)
            c[i] = std::max(std::fabs(a[i]), std::fabs(b[i]));
    }
    return sets;
}

// The reference: the first environment, in order, whose value the method
// would keep, written out element by element.
int reference_source(const std::string& method, float a, float b, float c) {
    const float v[3] = {a, b, c};
    int best = 0;
    for (int k = 1; k < 3; ++k) {
        if (method == "max" && v[k] > v[best])
            best = k;
        if (method == "absmax" && std::fabs(v[k]) > std::fabs(v[best]))
            best = k;
    }
    return best;
}

FashionMnist synthetic_data() {
    FashionMnist d;
    d.train = testing::make_synthetic_dataset(60, 1);
    d.test = testing::make_synthetic_dataset(20, 2);
    return d;
}

} // namespace

class TestInsight : public QObject {
    Q_OBJECT

private slots:
    void provenanceMatchesAReferenceCountWithTiesToTheLowestEnvironment_data() {
        QTest::addColumn<QString>("method");
        QTest::newRow("max") << "max";
        QTest::newRow("absmax") << "absmax";
    }
    void provenanceMatchesAReferenceCountWithTiesToTheLowestEnvironment() {
        QFETCH(QString, method);
        const std::string m = method.toStdString();
        const auto sets = planted_models();
        const std::vector<const WeightSet*> envs{&sets[0], &sets[1], &sets[2]};
        const WeightSet merged = merge_weights(m, envs);
        const auto counted = provenance(envs, merged);
        QCOMPARE(counted.size(), merged.size());
        int64_t ties = 0;
        for (size_t t = 0; t < merged.size(); ++t) {
            std::vector<int64_t> want(3, 0);
            int64_t flips = 0;
            const auto &a = sets[0][t].values, &b = sets[1][t].values, &c = sets[2][t].values;
            for (size_t i = 0; i < a.size(); ++i) {
                ++want[reference_source(m, a[i], b[i], c[i])];
                ties += a[i] == b[i] || std::fabs(a[i]) == std::fabs(c[i]);
                const double mean = (double(a[i]) + double(b[i]) + double(c[i])) / 3;
                flips += mean * merged[t].values[i] < 0;
            }
            QCOMPARE(counted[t].tensor, merged[t].name);
            QCOMPARE(counted[t].counts, want);
            QCOMPARE(counted[t].sign_flips, flips);
            double sum = 0;
            for (double s : counted[t].shares())
                sum += s;
            QVERIFY2(std::fabs(sum - 1) < 1e-12, qPrintable(QString::number(sum, 'g', 17)));
        }
        QVERIFY(ties > 10000); // the planted ties were really there
        if (m == "max") {
            // absmax's sign flips are real (a large negative wins over a
            // positive mean); max never picks below the mean, so a flip
            // needs a negative mean and a positive pick.
            int64_t flips = 0;
            for (const auto& p : counted)
                flips += p.sign_flips;
            QVERIFY(flips > 0);
        }
    }

    void provenanceRefusesABlendingMethodNamingTheTensor() {
        const auto sets = planted_models();
        const std::vector<const WeightSet*> envs{&sets[0], &sets[1], &sets[2]};
        const WeightSet avg = merge_weights("avg", envs);
        try {
            provenance(envs, avg);
            QFAIL("avg accepted as a picking merge");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("conv1.weight"), e.what());
        }
        // Only the picking methods of a round get provenance.
        const std::map<std::string, WeightSet> merged{{"avg", avg}, {"max", merge_weights("max", envs)}};
        const auto picked = picking_provenance({"avg", "max"}, envs, merged);
        QCOMPARE(picked.size(), size_t(1));
        QCOMPARE(picked[0].method, std::string("max"));
    }

    void barrierIsTheDipBelowTheMeanOfTheEnds() {
        QCOMPARE(barrier_of({{0, 0.8, 0}, {0.5, 0.3, 0}, {1, 0.6, 0}}), 0.7 - 0.3);
        QCOMPARE(barrier_of({{0, 0.8, 0}, {1, 0.6, 0}}), 0.1); // the lower end is on the path
        QCOMPARE(barrier_of({{0, 0.5, 0}}), 0.0);
    }

    void stratifiedSubsetSharesEvenlyAndIsFixed() {
        const Dataset test = testing::make_synthetic_dataset(20, 2); // 200 images
        const auto subset = stratified_subset(test.labels, 57);
        QCOMPARE(subset.size(), size_t(57));
        std::array<int, kFashionClasses> per{};
        for (size_t i = 0; i < subset.size(); ++i) {
            if (i)
                QVERIFY(subset[i] > subset[i - 1]);
            ++per[test.labels[size_t(subset[i])]];
        }
        for (int c = 0; c < kFashionClasses; ++c)
            QCOMPARE(per[c], c < 7 ? 6 : 5);
        QCOMPARE(stratified_subset(test.labels, 57), subset);
        QCOMPARE(stratified_subset(test.labels, 100000).size(), size_t(200));
        // A class short of images gives what it has; the others fill in.
        std::vector<uint8_t> skewed(30, 0);
        skewed.push_back(1);
        const auto s = stratified_subset(skewed, 10);
        QCOMPARE(s.size(), size_t(10));
        QCOMPARE(s.back(), int64_t(30));
    }

    void interpolationEndsAreTheModelsExactly() {
        const WeightSet a = initial_weights("cnn", 3), b = initial_weights("cnn", 4);
        const WeightSet at0 = interpolate_weights(a, b, 0), at1 = interpolate_weights(a, b, 1);
        for (size_t t = 0; t < a.size(); ++t) {
            QVERIFY(std::memcmp(at0[t].values.data(), a[t].values.data(), a[t].values.size() * 4) == 0);
            QVERIFY(std::memcmp(at1[t].values.data(), b[t].values.data(), b[t].values.size() * 4) == 0);
        }
        const Dataset test = testing::make_synthetic_dataset(20, 2);
        const InterpolationPath path = interpolate("cnn", a, b, test, 5, 1);
        QCOMPARE(path.points.size(), size_t(5));
        QCOMPARE(path.points[2].t, 0.5);
        QCOMPARE(path.images, int64_t(200));
        const EvalResult ea = evaluate("cnn", a, test, 1), eb = evaluate("cnn", b, test, 1);
        QCOMPARE(path.points.front().test_acc, ea.accuracy);
        QCOMPARE(path.points.front().test_loss, ea.loss);
        QCOMPARE(path.points.back().test_acc, eb.accuracy);
        QCOMPARE(path.points.back().test_loss, eb.loss);
        QCOMPARE(path.barrier, barrier_of(path.points));
        QVERIFY_THROWS_EXCEPTION(UsageError, interpolate("cnn", a, b, test, 1, 1));
        QVERIFY_THROWS_EXCEPTION(Error, interpolate("mlp", a, b, test, 3, 1));
    }

    void alignmentIsWeightMatchingThroughAHook() {
        QVERIFY(aligner_available());
        const Dataset test = testing::make_synthetic_dataset(20, 2);
        WeightSet a = initial_weights("cnn", 3);
        // A permuted copy computes the same function; aligned, it is `a`
        // again, so the whole path is a's accuracy and the barrier 0.
        const WeightSet b = permute_units(a, random_permutations(a, 9));
        QVERIFY(b[0].values != a[0].values);
        const WeightSet back = align_for_interpolation("cnn", a, b);
        for (size_t t = 0; t < a.size(); ++t)
            QCOMPARE(back[t].values, a[t].values);
        const InterpolationPath path = interpolate("cnn", a, back, test, 3, 1);
        QCOMPARE(path.barrier, 0.0);
        const Aligner weight_matching = [](const std::string&, const WeightSet& r, const WeightSet& o) {
            return align_to(o, r).weights;
        };
        set_aligner({});
        QVERIFY(!aligner_available());
        QVERIFY_THROWS_EXCEPTION(Error, align_for_interpolation("cnn", a, b));
        set_aligner(weight_matching);
        QVERIFY(aligner_available());
    }

    void roundsRecordProvenanceAndTheEnvPathInRunJson() {
        const FashionMnist data = synthetic_data();
        ExperimentConfig c = testing::small_config(2);
        c.histogram_bins = 8;
        const RunResult run = run_experiment(c, data).front();
        QCOMPARE(run.rounds.size(), size_t(2));
        for (const RoundResult& r : run.rounds) {
            QCOMPARE(r.provenance.size(), size_t(2)); // max and absmax; avg blends
            for (const auto& m : r.provenance)
                for (const auto& t : m.tensors)
                    QCOMPARE(t.counts.size(), size_t(2));
            QVERIFY(r.env_path);
            QCOMPARE(r.env_path->points.size(), size_t(kDefaultInterpolationPoints));
            QCOMPARE(r.env_path->images, int64_t(200));
            QCOMPARE(r.env_path->points.front().test_acc, r.envs[0].test_acc);
            QCOMPARE(r.env_path->points.back().test_acc, r.envs[1].test_acc);
        }
        const std::string text = run_to_json(run, 1);
        const auto json = nlohmann::json::parse(text);
        QCOMPARE(json["version"].get<int>(), kRunFormatVersion);
        const auto& r1 = json["rounds"][0];
        QCOMPARE(r1["merged"]["avg"]["class_acc"].size(), size_t(10));
        QCOMPARE(r1["envs"][1]["class_acc"].size(), size_t(10));
        QVERIFY(r1["barrier"].is_number());
        QCOMPARE(r1["interpolation"]["points"].size(), size_t(11));
        QCOMPARE(r1["provenance"]["max"]["conv1.weight"]["shares"].size(), size_t(2));
        const auto class_acc = class_accuracy(run.rounds[0].merged[0].confusion);
        QCOMPARE(r1["merged"]["avg"]["class_acc"][3].get<double>(), *class_acc[3]);

        const RunResult back = run_from_json(text, "run.json");
        QCOMPARE(back.format_version, kRunFormatVersion);
        QCOMPARE(back.rounds[1].provenance.size(), size_t(2));
        QCOMPARE(back.rounds[1].provenance[0].tensors[0].counts,
                 run.rounds[1].provenance[0].tensors[0].counts);
        QCOMPARE(back.rounds[1].env_path->barrier, run.rounds[1].env_path->barrier);
    }

    void pathImagesSetHowManyImagesThePathUsesOrTurnItOff() {
        const FashionMnist data = synthetic_data();
        ExperimentConfig c = testing::small_config(1);
        c.path_images = 50;
        const RunResult fifty = run_experiment(c, data).front();
        QVERIFY(fifty.rounds[0].env_path);
        QCOMPARE(fifty.rounds[0].env_path->images, int64_t(50));
        c.path_images = 0;
        const RunResult none = run_experiment(c, data).front();
        QVERIFY(!none.rounds[0].env_path);
        // The rest of the round is as with a path.
        QCOMPARE(none.rounds[0].merged[0].test_acc, fifty.rounds[0].merged[0].test_acc);
        const auto json = nlohmann::json::parse(run_to_json(none, 1));
        QVERIFY(!json["rounds"][0].contains("interpolation"));
        QCOMPARE(json["config"]["path_images"].get<int>(), 0);
        QCOMPARE(run_from_json(json.dump(), "run.json").config.path_images, 0);
    }

    void versionOneRunsStillOpenWithoutTheNewFields() {
        const FashionMnist data = synthetic_data();
        const RunResult run = run_experiment(testing::small_config(1), data).front();
        auto json = nlohmann::json::parse(run_to_json(run));
        json["version"] = 1;
        for (auto& r : json["rounds"]) {
            r.erase("provenance"), r.erase("barrier"), r.erase("interpolation");
            for (auto& e : r["envs"])
                e.erase("class_acc");
            for (auto& [name, m] : r["merged"].items())
                m.erase("class_acc");
        }
        const RunResult old = run_from_json(json.dump(), "old/run.json");
        QCOMPARE(old.format_version, 1);
        QVERIFY(old.rounds[0].provenance.empty());
        QVERIFY(!old.rounds[0].env_path);
        // A provenance naming a method the round did not merge is refused.
        json["version"] = 2;
        json["rounds"][0]["provenance"] = {
            {"median", {{"conv1.weight", {{"counts", {1, 2}}, {"sign_flips", 0}}}}}};
        try {
            run_from_json(json.dump(), "bad/run.json");
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("rounds[0].provenance"), e.what());
        }
    }
};

MERGELAB_TEST_GUILESS(test_insight, TestInsight)
} // namespace test_insight

#include "test_insight.moc"
