// mergelab-cli with repeated seeds: a 2-seed run of two lanes, whose
// run.json files are read here with Qt's own JSON and the summary worked
// out again from the rounds, against what `run` and `show` print.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cmath>
#include <map>

#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_repeats_cli {

using namespace mergelab::testing;

namespace {

// Mean, sample sd and 95 % interval half-width for two values: t_{0.975,1}.
struct Figures {
    double mean = 0, sd = 0, lo = 0, hi = 0;
};
Figures figures_of(const std::vector<double>& v) {
    Figures f;
    for (double x : v)
        f.mean += x / double(v.size());
    for (double x : v)
        f.sd += (x - f.mean) * (x - f.mean);
    f.sd = std::sqrt(f.sd / double(v.size() - 1));
    const double t = 12.706205; // two values: one degree of freedom
    const double half = t * f.sd / std::sqrt(double(v.size()));
    f.lo = f.mean - half;
    f.hi = f.mean + half;
    return f;
}

// "71.13 ± 1.83 [66.60, 75.67]" (signed or not) after `label` in the block
// of `strategy`.
bool parse_line(const QString& text, const QString& strategy, const QString& label, Figures& out) {
    const int block = text.indexOf("\n" + strategy + " (");
    if (block < 0)
        return false;
    const int at = text.indexOf("  " + label + " ", block);
    if (at < 0)
        return false;
    const QString line = text.mid(at, text.indexOf('\n', at) - at);
    static const QRegularExpression figures(
        R"(([+-]?\d+\.\d+) ± (\d+\.\d+) \[([+-]?\d+\.\d+), ([+-]?\d+\.\d+)\])");
    const auto m = figures.match(line);
    if (!m.hasMatch())
        return false;
    out = {m.captured(1).toDouble(), m.captured(2).toDouble(), m.captured(3).toDouble(),
           m.captured(4).toDouble()};
    return true;
}

} // namespace

class TestRepeatsCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString data() const { return dir_.filePath("data"); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        write_synthetic_fashion_mnist(data().toStdString(), {});
    }

    void showPrintsWhatRunJsonGives() {
        const QString out = dir_.filePath("two-seeds");
        const QStringList lanes{"avg", "max"};
        const auto run = run_cli({"run", "--data", data(), "--rounds", "3", "--threads", "1", "--batch", "16",
                                  "--lanes", lanes.join(','), "--repeats", "2", "--seed", "4", "--out", out});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const auto shown = run_cli({"show", out});
        QVERIFY2(shown.exit_code == 0, qPrintable(shown.err));
        // The summary after the run is the one show prints.
        const QString summary = run.out.mid(run.out.indexOf("test accuracy over"));
        QVERIFY2(summary.startsWith("test accuracy over 2 seeds"), qPrintable(run.out));
        QVERIFY2(shown.out.endsWith(summary), qPrintable(shown.out));

        // Per lane and seed: the final accuracy and the mean of all rounds
        // (fewer than ten), from the lane's run.json.
        std::map<QString, std::map<int, std::pair<double, double>>> acc;
        for (const QString& lane : lanes) {
            QFile f(out + "/lanes/" + lane + "/run.json");
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject top = QJsonDocument::fromJson(f.readAll()).object();
            QVERIFY(top["version"].toInt() >= 3);
            const QJsonArray repeats = top["repeats"].toArray();
            QCOMPARE(repeats.size(), 2);
            for (const auto& r : repeats) {
                const QJsonObject one = r.toObject();
                const int seed = one["config"].toObject()["seed"].toInt();
                const QJsonArray rounds = one["rounds"].toArray();
                QCOMPARE(rounds.size(), 3);
                double sum = 0;
                for (const auto& round : rounds)
                    sum += round.toObject()["merged"].toObject()[lane].toObject()["test_acc"].toDouble();
                const double last =
                    rounds.last().toObject()["merged"].toObject()[lane].toObject()["test_acc"].toDouble();
                acc[lane][seed] = {last, sum / rounds.size()};
            }
            QCOMPARE(acc[lane].size(), size_t(2));
            QVERIFY(acc[lane].count(4) && acc[lane].count(5));
        }
        const auto compare = [&](const QString& strategy, const QString& label,
                                 const std::vector<double>& v) {
            Figures printed;
            QVERIFY2(parse_line(shown.out, strategy, label, printed), qPrintable(label + "\n" + shown.out));
            const Figures want = figures_of(v);
            const auto near = [](double shown_percent, double fraction) {
                return std::fabs(shown_percent - 100 * fraction) <= 0.0051;
            };
            QVERIFY2(near(printed.mean, want.mean) && near(printed.sd, want.sd) &&
                         near(printed.lo, want.lo) && near(printed.hi, want.hi),
                     qPrintable(QString("%1 %2: printed %3 ± %4 [%5, %6], recomputed %7 ± %8 [%9, %10]")
                                    .arg(strategy, label)
                                    .arg(printed.mean)
                                    .arg(printed.sd)
                                    .arg(printed.lo)
                                    .arg(printed.hi)
                                    .arg(100 * want.mean)
                                    .arg(100 * want.sd)
                                    .arg(100 * want.lo)
                                    .arg(100 * want.hi)));
        };
        for (const QString& lane : lanes) {
            compare(lane, "final", {acc[lane][4].first, acc[lane][5].first});
            compare(lane, "last 10", {acc[lane][4].second, acc[lane][5].second});
        }
        compare("max", "paired final",
                {acc["max"][4].first - acc["avg"][4].first, acc["max"][5].first - acc["avg"][5].first});
        compare("max", "paired last 10",
                {acc["max"][4].second - acc["avg"][4].second, acc["max"][5].second - acc["avg"][5].second});
        QVERIFY(!shown.out.contains("\navg (2 seeds)\n  final    -") &&
                shown.out.contains("seed 5, lane max"));

        // metrics.csv: every seed's rows under one header that begins with the seed.
        QFile csv(out + "/lanes/max/metrics.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 1 + 2 * 3);
        QVERIFY(rows[0].startsWith("seed,round,"));
        QVERIFY(rows[1].startsWith("4,1,") && rows[6].startsWith("5,3,"));

        // A run with repeats is not continued, and says why.
        const auto resumed = run_cli({"run", "--resume", out, "--rounds", "4"});
        QCOMPARE(resumed.exit_code, 2);
        QVERIFY2(resumed.err.contains("repeats cannot be continued"), qPrintable(resumed.err));
    }

    // Compare mode: the compared methods are the strategies, all from the
    // same local models of each seed.
    void compareModeSummarisesEachMethod() {
        const QString out = dir_.filePath("compare");
        const auto run = run_cli({"run", "--data", data(), "--rounds", "2", "--threads", "1", "--batch", "16",
                                  "--compare", "avg,max", "--repeats", "3", "--out", out});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("test accuracy over 3 seeds"), qPrintable(run.out));
        QVERIFY2(run.out.contains("\nmax (3 seeds)\n") && run.out.contains("paired final"),
                 qPrintable(run.out));
        QVERIFY(QFile::exists(out + "/seed-3/models/round-002-max.pt"));
        const auto shown = run_cli({"show", out});
        QVERIFY(shown.out.endsWith(run.out.mid(run.out.indexOf("test accuracy over"))));
    }
};

MERGELAB_TEST_GUILESS(test_repeats_cli, TestRepeatsCli)
} // namespace test_repeats_cli

#include "test_repeats_cli.moc"
