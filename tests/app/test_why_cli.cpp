// mergelab-cli interpolate and provenance as a user runs them: the JSON
// shapes, agreement with the core, and refusals with their exit codes.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "mergelab/align.h"
#include "mergelab/interpolation.h"
#include "mergelab/merge.h"
#include "mergelab/provenance.h"
#include "mergelab/state_dict.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_why_cli {

using namespace mergelab;
using namespace mergelab::testing;

class TestWhyCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::vector<WeightSet> sets_;
    QStringList files_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        sets_ = {initial_weights("cnn", 5), initial_weights("cnn", 6), initial_weights("cnn", 7)};
        for (size_t t = 0; t < sets_[0].size(); ++t)
            for (size_t i = 0; i < sets_[0][t].values.size(); i += 4)
                sets_[1][t].values[i] = sets_[0][t].values[i];
        for (size_t k = 0; k < sets_.size(); ++k) {
            files_ << dir_.filePath(QString("env%1.pt").arg(k + 1));
            save_state_dict(files_.last().toStdString(), sets_[k]);
        }
        write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), {});
    }

    void provenancePrintsTheCoresSharesPerTensor() {
        const auto r =
            run_cli(QStringList{"provenance"} + files_ + QStringList{"--method", "absmax", "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(json["method"].toString(), QString("absmax"));
        std::vector<const WeightSet*> envs{&sets_[0], &sets_[1], &sets_[2]};
        const auto want = provenance(envs, merge_weights("absmax", envs));
        const auto tensors = json["tensors"].toObject();
        QCOMPARE(tensors.size(), int(want.size()));
        for (const auto& t : want) {
            const auto entry = tensors[QString::fromStdString(t.tensor)].toObject();
            const auto shares = entry["shares"].toArray();
            QCOMPARE(shares.size(), 3);
            double sum = 0;
            for (int k = 0; k < 3; ++k) {
                QCOMPARE(shares[k].toDouble(), t.shares()[size_t(k)]);
                QCOMPARE(entry["counts"].toArray()[k].toInteger(), t.counts[size_t(k)]);
                sum += shares[k].toDouble();
            }
            QVERIFY(std::fabs(sum - 1) < 1e-12);
            QCOMPARE(entry["sign_flips"].toInteger(), t.sign_flips);
        }
    }

    void interpolatePrintsPointsAndBarrier() {
        const auto r = run_cli({"interpolate", files_[0], files_[2], "--points", "5", "--subset", "50",
                                "--json", "--data", dir_.filePath("data")});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(json.keys(), (QStringList{"barrier", "points"}));
        const auto points = json["points"].toArray();
        QCOMPARE(points.size(), 5);
        QCOMPARE(points[4].toObject()["t"].toDouble(), 1.0);
        QCOMPARE(points[2].toObject().keys(), (QStringList{"t", "test_acc", "test_loss"}));
        std::vector<InterpolationPoint> path;
        for (const auto& p : points)
            path.push_back({p.toObject()["t"].toDouble(), p.toObject()["test_acc"].toDouble(), 0});
        QCOMPARE(json["barrier"].toDouble(), barrier_of(path));
    }

    void alignedPathOfAPermutedCopyIsFlat() {
        const QString permuted = dir_.filePath("permuted.pt");
        save_state_dict(permuted.toStdString(), permute_units(sets_[0], random_permutations(sets_[0], 3)));
        const auto plain = run_cli({"interpolate", files_[0], permuted, "--points", "5", "--full", "--json",
                                    "--data", dir_.filePath("data")});
        const auto aligned = run_cli({"interpolate", files_[0], permuted, "--points", "5", "--full",
                                      "--align", "--json", "--data", dir_.filePath("data")});
        QVERIFY2(plain.exit_code == 0 && aligned.exit_code == 0, qPrintable(plain.err + aligned.err));
        const auto a = QJsonDocument::fromJson(aligned.out.toUtf8()).object();
        QCOMPARE(a["barrier"].toDouble(), 0.0);
        const auto points = a["points"].toArray();
        for (const auto& p : points)
            QCOMPARE(p.toObject()["test_acc"].toDouble(), points[0].toObject()["test_acc"].toDouble());
        // Not aligned, the middle mixes unrelated units: not the same model.
        const auto p = QJsonDocument::fromJson(plain.out.toUtf8()).object()["points"].toArray();
        QVERIFY(p[2].toObject()["test_loss"].toDouble() != p[0].toObject()["test_loss"].toDouble());
    }

    void refusals_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("says");
        QTest::newRow("avg does not pick")
            << QStringList{"provenance", "A", "B", "--method", "avg"} << 2 << "method";
        QTest::newRow("one point") << QStringList{"interpolate", "A", "B", "--points", "1"} << 2 << "points";
        QTest::newRow("subset and full")
            << QStringList{"interpolate", "A", "B", "--subset", "9", "--full"} << 2 << "full";
        QTest::newRow("missing file") << QStringList{"interpolate", "nothing.pt", "B"} << 1 << "nothing.pt";
    }
    void refusals() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, says);
        for (auto& a : args) {
            if (a == "A")
                a = files_[0];
            if (a == "B")
                a = files_[1];
        }
        if (args.first() == "interpolate")
            args << "--data" << dir_.filePath("data");
        const auto r = run_cli(args);
        QCOMPARE(r.exit_code, code);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
    }
};

MERGELAB_TEST_GUILESS(test_why_cli, TestWhyCli)
} // namespace test_why_cli

#include "test_why_cli.moc"
