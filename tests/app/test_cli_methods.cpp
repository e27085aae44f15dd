// mergelab-cli with the registry's merge methods: every stateless merge equals a
// float64 PyTorch reference bit for bit after rounding (ties, zeros and
// opposite signs planted), refusals name the tensor or the option, server
// optimizers recompute from saved rounds, align undoes a permutation.
#include <QtTest>

#include <cmath>
#include <limits>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "mergelab/align.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_cli_methods {

using namespace mergelab;
using namespace mergelab::testing;

class TestCliMethods : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QStringList models_; // five cnn models with planted ties, zeros and opposite signs
    QString base_;

    QString path(const QString& name) const { return dir_.filePath(name); }

    static float max_difference(const WeightSet& a, const WeightSet& b) {
        float worst = 0;
        for (size_t t = 0; t < a.size(); ++t)
            for (size_t i = 0; i < a[t].values.size(); ++i)
                worst = std::max(worst, std::fabs(a[t].values[i] - find_tensor(b, a[t].name)->values[i]));
        return worst;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const WeightSet base = initial_weights("cnn", 10);
        std::vector<WeightSet> sets;
        for (int k = 0; k < 5; ++k)
            sets.push_back(initial_weights("cnn", uint64_t(k + 1)));
        for (size_t t = 0; t < base.size(); ++t) {
            const auto& b = base[t].values;
            for (size_t i = 0; i < b.size(); ++i) {
                auto v = [&](int k) -> float& { return sets[size_t(k)][t].values[i]; };
                if (i % 7 == 0)
                    v(1) = v(0); // equal values
                if (i % 11 == 3)
                    v(1) = -v(0), v(2) = v(0); // equal magnitudes, opposite signs
                if (i % 13 == 5)
                    v(3) = -std::max(std::fabs(v(0)), std::fabs(v(1)));
                if (i % 17 == 1)
                    v(0) = v(1) = v(2) = v(3) = v(4) = 0; // zeros everywhere
                if (i % 19 == 2)
                    v(2) = b[i]; // a zero delta
                // Equal deltas of opposite sign: TIES's election has to split them.
                if (i % 23 == 4)
                    v(3) = b[i] + 0.25f, v(4) = b[i] - 0.25f;
            }
        }
        for (int k = 0; k < 5; ++k) {
            models_ << path(QString("m%1.pt").arg(k + 1));
            save_state_dict(models_.last().toStdString(), sets[size_t(k)]);
        }
        base_ = path("base.pt");
        save_state_dict(base_.toStdString(), base);
        write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), {});
    }

    void everyStatelessMethodEqualsTheFloat64Reference_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QStringList>("params");
        QTest::addColumn<int>("models");
        for (const auto& m : merge_methods()) {
            if (m.stateful)
                continue;
            for (int n : {2, 3, 5})
                QTest::newRow(qPrintable(QString("%1 x%2").arg(m.name.c_str()).arg(n)))
                    << QString::fromStdString(m.name) << QStringList{} << n;
        }
        QTest::newRow("trimmed-mean trim=0.34 x3") << "trimmed-mean" << QStringList{"trim=0.34"} << 3;
        QTest::newRow("trimmed-mean trim=0.4 x5") << "trimmed-mean" << QStringList{"trim=0.4"} << 5;
        QTest::newRow("task-arithmetic lambda=0.7 x3") << "task-arithmetic" << QStringList{"lambda=0.7"} << 3;
        QTest::newRow("ties density=0.5 lambda=0.8 x5")
            << "ties" << QStringList{"density=0.5", "lambda=0.8"} << 5;
        QTest::newRow("ties density=1 x2") << "ties" << QStringList{"density=1"} << 2;
        QTest::newRow("ties density=0 x3") << "ties" << QStringList{"density=0"} << 3;
    }
    void everyStatelessMethodEqualsTheFloat64Reference() {
        QFETCH(QString, method);
        QFETCH(QStringList, params);
        QFETCH(int, models);
        const QStringList inputs = models_.mid(0, models);
        const QString sizes = QStringList{"100", "250", "7", "1000", "33"}.mid(0, models).join(",");
        const QString out = path(QString("merged-%1-%2-%3.pt").arg(method).arg(models).arg(params.join("_")));
        QStringList args = QStringList{"merge"} + inputs + QStringList{"--method", method, "-o", out};
        QStringList extra{"--base", base_, "--sizes", sizes};
        for (const auto& p : params)
            extra << "--param" << p;
        const auto r = run_cli(args + extra);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        if (!python_torch_available())
            QSKIP("PyTorch not installed: skipped the float64 reference");
        const auto check = run_torch_reference(QStringList{"merge-check", method, out} + inputs + extra);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));
    }

    void nanIsRefusedNamingFileAndTensor() {
        WeightSet w = load_state_dict(models_[1].toStdString());
        for (auto& t : w)
            if (t.name == "fc1.bias")
                t.values[5] = std::numeric_limits<float>::quiet_NaN();
        save_state_dict(path("nan.pt").toStdString(), w);
        for (const char* method : {"avg", "median", "ties"}) {
            const auto r = run_cli({"merge", models_[0], path("nan.pt"), "--method", method, "--base", base_,
                                    "-o", path("nan-out.pt")});
            QCOMPARE(r.exit_code, 1);
            QVERIFY2(r.err.contains("nan.pt") && r.err.contains("fc1.bias") && r.err.contains("NaN"),
                     qPrintable(r.err));
            QVERIFY(!QFile::exists(path("nan-out.pt")));
        }
    }

    void missingBaseOrSizesExitsTwoNamingTheOption_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        QTest::newRow("ties") << QStringList{"--method", "ties"} << "--base";
        QTest::newRow("task-arithmetic") << QStringList{"--method", "task-arithmetic"} << "--base";
        QTest::newRow("fedadam") << QStringList{"--method", "fedadam"} << "--base";
        QTest::newRow("fedyogi") << QStringList{"--method", "fedyogi"} << "--base";
        QTest::newRow("wavg") << QStringList{"--method", "wavg"} << "--sizes";
        QTest::newRow("fedavgm weighted")
            << QStringList{"--method", "fedavgm", "--base", "x.pt", "--param", "weighted=1"} << "--sizes";
        QTest::newRow("sizes count") << QStringList{"--method", "wavg", "--sizes", "1,2,3"} << "--sizes";
        QTest::newRow("unknown parameter")
            << QStringList{"--method", "median", "--param", "trim=0.1"} << "--param";
        QTest::newRow("parameter out of range")
            << QStringList{"--method", "ties", "--base", "x.pt", "--param", "density=1.5"} << "--param";
    }
    void missingBaseOrSizesExitsTwoNamingTheOption() {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        const auto r = run_cli(QStringList{"merge", models_[0], models_[1], "-o", path("never.pt")} + args);
        QVERIFY2(r.exit_code == 2, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        QVERIFY2(r.err.contains(option), qPrintable(r.err));
    }

    // Three rounds of a run saved with --save-all, recomputed in float64
    // from round-000-init.pt and the environments' files.
    void serverOptimizersRecomputeFromSavedRounds_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("param");
        QTest::newRow("fedavgm") << "fedavgm"
                                 << "";
        QTest::newRow("fedavgm lr 0.7 weighted") << "fedavgm:server_lr=0.7,weighted=1"
                                                 << "server_lr=0.7,weighted=1";
        QTest::newRow("fedadam") << "fedadam"
                                 << "";
        QTest::newRow("fedadam lr 0.003") << "fedadam:server_lr=0.003,tau=0.01"
                                          << "server_lr=0.003,tau=0.01";
        QTest::newRow("fedadagrad") << "fedadagrad:server_lr=0.003"
                                    << "server_lr=0.003";
        QTest::newRow("fedyogi weighted") << "fedyogi:weighted=1,beta2=0.9"
                                          << "weighted=1,beta2=0.9";
    }
    void serverOptimizersRecomputeFromSavedRounds() {
        QFETCH(QString, method);
        QFETCH(QString, param);
        const QString out = path("server-" + QString::number(qHash(method)));
        const auto r =
            run_cli({"run",     "--data",    path("data"), "--rounds",   "3",       "--threads", "1",
                     "--batch", "16",        "--split",    "dirichlet",  "--alpha", "0.5",       "--method",
                     method,    "--compare", method,       "--save-all", "--out",   out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(out + "/models/round-000-init.pt"));
        if (!python_torch_available())
            QSKIP("PyTorch not installed: skipped the recomputation");
        const auto run = QJsonDocument::fromJson([&] {
                             QFile f(out + "/run.json");
                             f.open(QIODevice::ReadOnly);
                             return f.readAll();
                         }())
                             .object();
        QStringList sizes;
        for (const auto& e : run["envs"].toArray())
            sizes << QString::number(e.toObject()["train_size"].toInt());
        QStringList args{"server-check",  method.section(':', 0, 0), out,   "--rounds", "3", "--sizes",
                         sizes.join(","), "--file-method",           method};
        if (!param.isEmpty())
            args << "--param" << param;
        const auto check = run_torch_reference(args);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));
        qInfo("%s: %s", qPrintable(method), qPrintable(check.out.trimmed()));
    }

    void alignUndoesAPermutationAndKeepsAccuracy() {
        const WeightSet original = load_state_dict(models_[2].toStdString());
        const WeightSet permuted = permute_units(original, random_permutations(original, 4242));
        save_state_dict(path("permuted.pt").toStdString(), permuted);
        const auto r = run_cli({"align", path("permuted.pt"), "--to", models_[2], "-o", path("aligned.pt")});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(max_difference(load_state_dict(path("aligned.pt").toStdString()), original), 0.0f);
        QVERIFY(max_difference(permuted, original) > 0);
        auto accuracy = [&](const QString& model, const QString& data) {
            QStringList args{"eval", model, "--json", "--threads", "1"};
            if (!data.isEmpty())
                args << "--data" << data;
            const auto e = run_cli(args);
            return QJsonDocument::fromJson(e.out.toUtf8()).object()["test_acc"].toDouble(-1);
        };
        QCOMPARE(accuracy(path("permuted.pt"), path("data")), accuracy(models_[2], path("data")));
        // Merging with --align: the permuted copy averages back to the original.
        const auto m =
            run_cli({"merge", models_[2], path("permuted.pt"), "--align", "-o", path("avg-aligned.pt")});
        QVERIFY2(m.exit_code == 0, qPrintable(m.err));
        QCOMPARE(max_difference(load_state_dict(path("avg-aligned.pt").toStdString()), original), 0.0f);
        const auto bad =
            run_cli({"align", path("permuted.pt"), "--to", path("missing.pt"), "-o", path("x.pt")});
        QCOMPARE(bad.exit_code, 1);
        QVERIFY(bad.err.contains("missing.pt"));
    }

    // On the real data: a trained model, permuted, measures the same and
    // aligns back exactly.
    void alignOnRealData() {
        if (real_data_dir().isEmpty())
            QSKIP("Fashion-MNIST not installed");
        const QString out = path("real");
        const auto r = run_cli({"run", "--rounds", "1", "--train-limit", "3000", "--threads", "2",
                                "--compare", "avg", "--out", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QString trained = out + "/models/round-001-env-1.pt";
        const WeightSet original = load_state_dict(trained.toStdString());
        save_state_dict(path("real-permuted.pt").toStdString(),
                        permute_units(original, random_permutations(original, 7)));
        const auto a =
            run_cli({"align", path("real-permuted.pt"), "--to", trained, "-o", path("real-aligned.pt")});
        QVERIFY2(a.exit_code == 0, qPrintable(a.err));
        QCOMPARE(max_difference(load_state_dict(path("real-aligned.pt").toStdString()), original), 0.0f);
        auto accuracy = [&](const QString& model) {
            const auto e = run_cli({"eval", model, "--json", "--threads", "2"});
            return QJsonDocument::fromJson(e.out.toUtf8()).object()["test_acc"].toDouble(-1);
        };
        const double before = accuracy(trained), after = accuracy(path("real-permuted.pt"));
        qInfo("real data: trained %.4f, permuted %.4f", before, after);
        QVERIFY(before > 0.5);
        QCOMPARE(after, before);
    }

    void methodsListsEveryMethodRuleAndParameter() {
        const auto r = run_cli({"methods"});
        QCOMPARE(r.exit_code, 0);
        for (const auto& m : merge_methods()) {
            QVERIFY2(r.out.contains(QString::fromStdString("  " + m.name + ": " + m.description)),
                     m.name.c_str());
            for (const auto& p : m.params)
                QVERIFY(r.out.contains(QString::fromStdString(p.key)));
        }
        for (const char* rule : {"plain:", "fedprox:", "scaffold:", "mu (default 0.01"})
            QVERIFY(r.out.contains(rule));
        QVERIFY(r.out.contains("lambda (default 1/N"));
    }
};

MERGELAB_TEST_GUILESS(test_cli_methods, TestCliMethods)
} // namespace test_cli_methods

#include "test_cli_methods.moc"
