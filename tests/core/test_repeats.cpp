// Repeated seeds: the t quantiles, the summary's figures against sums done
// here, and a run of two seeds in process threads whose folder keeps every
// seed.
#include <QtTest>

#include <cmath>

#include <QTemporaryDir>

#include "mergelab/repeats.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_repeats {

using namespace mergelab;
using namespace mergelab::testing;

namespace {

// A run of one strategy per seed with the given test accuracies per round,
// and traffic that differs by seed and round (see traffic_by()).
RunResult fake_run(uint64_t seed, const std::string& lane, const std::vector<double>& accs) {
    RunResult run;
    run.config.seed = seed;
    run.config.repeats = 3;
    run.config.mode = Mode::Compare;
    run.config.method = lane;
    run.config.compare = {lane};
    run.lane = lane;
    for (size_t i = 0; i < accs.size(); ++i) {
        RoundResult r;
        r.round = int(i) + 1;
        r.primary = lane;
        MethodMetrics m;
        m.method = lane;
        m.test_acc = accs[i];
        r.merged.push_back(m);
        EnvRoundMetrics env;
        env.sent_weight_bytes = int64_t(100 * seed);
        env.sent_statistics_bytes = int64_t(7 * seed);
        env.received_weight_bytes = int64_t(10 * (i + 1));
        r.envs = {env, env};
        run.rounds.push_back(r);
    }
    return run;
}

// fake_run's bytes summed over its first `rounds` rounds, counted from outside.
double traffic_by(uint64_t seed, int rounds) {
    double total = 0;
    for (int r = 1; r <= rounds; ++r)
        total += 2.0 * (100.0 * double(seed) + 7.0 * double(seed) + 10.0 * r);
    return total;
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v)
        s += x;
    return s / double(v.size());
}

double sample_sd(const std::vector<double>& v) {
    const double m = mean(v);
    double s = 0;
    for (double x : v)
        s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
}

} // namespace

class TestRepeats : public QObject {
    Q_OBJECT

private slots:
    void tQuantilesMatchPublishedTables_data() {
        QTest::addColumn<double>("p");
        QTest::addColumn<int>("df");
        QTest::addColumn<double>("expected");
        // Two-sided 95 % critical values, and a few others, from standard tables.
        QTest::newRow("df 1") << 0.975 << 1 << 12.706205;
        QTest::newRow("df 2") << 0.975 << 2 << 4.302653;
        QTest::newRow("df 4") << 0.975 << 4 << 2.776445;
        QTest::newRow("df 9") << 0.975 << 9 << 2.262157;
        QTest::newRow("df 30") << 0.975 << 30 << 2.042272;
        QTest::newRow("df 1000") << 0.975 << 1000 << 1.962339;
        QTest::newRow("0.95 df 5") << 0.95 << 5 << 2.015048;
        QTest::newRow("0.995 df 3") << 0.995 << 3 << 5.840909;
        QTest::newRow("lower tail") << 0.025 << 4 << -2.776445;
    }
    void tQuantilesMatchPublishedTables() {
        QFETCH(double, p);
        QFETCH(int, df);
        QFETCH(double, expected);
        const double t = t_quantile(p, df);
        QVERIFY2(std::fabs(t - expected) < 5e-6, qPrintable(QString("t = %1").arg(t, 0, 'f', 8)));
    }

    void tQuantileRefusesWhatIsNotAProbability() {
        QVERIFY(std::isnan(t_quantile(1.0, 3)));
        QVERIFY(std::isnan(t_quantile(0.5, 0)));
        QCOMPARE(t_quantile(0.5, 7), 0.0);
    }

    void spreadIsMeanSampleSdAndTInterval() {
        const std::vector<double> v{0.81, 0.86, 0.84, 0.79};
        const Spread s = spread_of(v);
        QCOMPARE(s.n, 4);
        QVERIFY(std::fabs(s.mean - mean(v)) < 1e-12);
        QVERIFY(std::fabs(s.sd - sample_sd(v)) < 1e-12);
        const double half = 3.182446 * sample_sd(v) / 2.0; // t_{0.975,3}, sqrt(4)
        QVERIFY(std::fabs(s.hi - (mean(v) + half)) < 1e-6);
        QVERIFY(std::fabs(s.lo - (mean(v) - half)) < 1e-6);
        QCOMPARE(s.min, 0.79);
        QCOMPARE(s.max, 0.86);
        const Spread one = spread_of({0.5});
        QCOMPARE(one.sd, 0.0);
        QCOMPARE(one.lo, 0.5);
        QCOMPARE(spread_of({}).n, 0);
    }

    // Two strategies over three seeds, the second with fewer rounds than
    // kLastRounds and one seed missing from the primary.
    void summaryPairsSeedBySeed() {
        std::vector<RunResult> runs;
        std::vector<std::vector<double>> a, b;
        for (uint64_t seed = 1; seed <= 3; ++seed) {
            std::vector<double> ra, rb;
            for (int r = 0; r < 12; ++r)
                ra.push_back(0.5 + 0.03 * r + 0.011 * double(seed * seed));
            for (int r = 0; r < 6; ++r)
                rb.push_back(0.55 + 0.04 * r - 0.007 * double(seed));
            a.push_back(ra), b.push_back(rb);
            runs.push_back(fake_run(seed, "avg", ra));
            runs.push_back(fake_run(seed, "max", rb));
        }
        runs.push_back(fake_run(9, "max", {0.2, 0.3})); // no primary for seed 9
        const RepeatsSummary s = summarize_repeats(runs);
        QCOMPARE(s.primary, std::string("avg"));
        QCOMPARE(s.seeds, 4);
        QCOMPARE(s.strategies.size(), size_t(2));
        std::vector<double> fa, la, fb, lb, df, dl;
        for (size_t k = 0; k < 3; ++k) {
            fa.push_back(a[k].back());
            la.push_back(mean(std::vector<double>(a[k].end() - 10, a[k].end())));
            fb.push_back(b[k].back());
            lb.push_back(mean(b[k]));
            df.push_back(fb.back() - fa.back());
            dl.push_back(lb.back() - la.back());
        }
        const auto& sa = s.strategies[0];
        const auto& sb = s.strategies[1];
        QVERIFY(std::fabs(sa.final_acc.mean - mean(fa)) < 1e-12);
        QVERIFY(std::fabs(sa.last_acc.mean - mean(la)) < 1e-12);
        QVERIFY(std::fabs(sa.final_acc.sd - sample_sd(fa)) < 1e-12);
        QCOMPARE(sa.diff_final.n, 0);
        QCOMPARE(sb.final_acc.n, 4);
        QCOMPARE(sb.diff_final.n, 3);
        QVERIFY(std::fabs(sb.diff_final.mean - mean(df)) < 1e-12);
        QVERIFY(std::fabs(sb.diff_last.mean - mean(dl)) < 1e-12);
        const double half = 4.302653 * sample_sd(dl) / std::sqrt(3.0);
        QVERIFY(std::fabs(sb.diff_last.hi - (mean(dl) + half)) < 1e-6);
        std::vector<const RunResult*> pointers;
        for (const auto& run : runs)
            pointers.push_back(&run);
        const auto curve = accuracy_by_round(pointers, "max");
        QCOMPARE(curve.size(), size_t(6));
        QCOMPARE(curve[0].acc.n, 4);
        QCOMPARE(curve[2].acc.n, 3);
        QCOMPARE(curve[2].acc.max, std::max({b[0][2], b[1][2], b[2][2]}));
        // Each seed's bytes by the end of round 3, over the seeds that reached it.
        QCOMPARE(curve[2].traffic.n, 3);
        QVERIFY(std::fabs(curve[2].traffic.mean -
                          mean({traffic_by(1, 3), traffic_by(2, 3), traffic_by(3, 3)})) < 1e-9);
        QCOMPARE(curve[0].traffic.min, traffic_by(1, 1));
        QCOMPARE(curve[0].traffic.max, traffic_by(9, 1));
    }

    void repeatsIsOneSettingWithARange() {
        const SettingDescriptor& d = setting("repeats");
        QCOMPARE(d.flag, std::string("--repeats"));
        ExperimentConfig c = small_config();
        set_setting_text(c, d, "3");
        QCOMPARE(c.repeats, 3);
        QVERIFY_THROWS_EXCEPTION(UsageError, set_setting_text(c, d, "0"));
        c.seed = uint64_t(setting("seed").max);
        QVERIFY_THROWS_EXCEPTION(UsageError, validate(c));
    }

    // Two seeds of two lanes on environments in threads: every strategy
    // runs for every seed, the seed loop outside the lanes, and the folder
    // reads back with every seed's rounds.
    void twoSeedsOfTwoLanesInThreads() {
        const FashionMnist data = synthetic_fashion_mnist(20, 8);
        QTemporaryDir dir;
        ExperimentConfig c = small_config(2);
        c.mode = Mode::Lanes;
        c.lanes = {"avg", "max"};
        c.seed = 5;
        c.repeats = 2;
        c.out_dir = dir.path().toStdString();
        const auto runs = run_experiment(c, data);
        QCOMPARE(runs.size(), size_t(4));
        const std::vector<std::pair<uint64_t, std::string>> order{
            {5, "avg"}, {5, "max"}, {6, "avg"}, {6, "max"}};
        for (size_t i = 0; i < runs.size(); ++i) {
            QCOMPARE(runs[i].config.seed, order[i].first);
            QCOMPARE(runs[i].lane, order[i].second);
            QCOMPARE(runs[i].rounds.size(), size_t(2));
        }
        // Another seed, another split of the shuffled data: different numbers.
        QVERIFY(runs[0].rounds[0].envs[0].train_loss != runs[2].rounds[0].envs[0].train_loss);
        QVERIFY(QFile::exists(dir.filePath("lanes/max/seed-6/models/round-002-max.pt")));
        const auto loaded = load_runs(c.out_dir);
        QCOMPARE(loaded.size(), size_t(4));
        for (size_t i = 0; i < loaded.size(); ++i) {
            QCOMPARE(loaded[i].config.seed, runs[i].config.seed);
            QCOMPARE(loaded[i].lane, runs[i].lane);
            QCOMPARE(loaded[i].rounds.back().merged[0].test_acc, runs[i].rounds.back().merged[0].test_acc);
        }
        QFile csv(dir.filePath("lanes/avg/metrics.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 5);
        QVERIFY(rows[0].startsWith("seed,round,"));
        QVERIFY(rows[1].startsWith("5,1,") && rows[4].startsWith("6,2,"));
        // The folder is known as a run: --force may replace it.
        QCOMPARE(inspect_run_folder(c.out_dir).kind, FolderKind::MergeLabRun);
        c.replace_out = true;
        c.rounds = 1;
        QCOMPARE(run_experiment(c, data).size(), size_t(4));
        QVERIFY(!QFile::exists(dir.filePath("lanes/max/seed-6/models/round-002-max.pt")));
    }
};

MERGELAB_TEST_GUILESS(test_repeats, TestRepeats)
} // namespace test_repeats

#include "test_repeats.moc"
