// mergelab-cli as a user runs it: merge, eval, exit codes, and agreement
// with PyTorch itself.
#include <QtTest>

#include <cmath>
#include <cstring>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_cli {

using namespace mergelab;
using namespace mergelab::testing;

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QStringList models_; // three cnn models with planted ties

    QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        std::vector<WeightSet> sets{initial_weights("cnn", 1), initial_weights("cnn", 2),
                                    initial_weights("cnn", 3)};
        // Plant ties: equal values, and equal magnitudes of opposite sign.
        for (size_t t = 0; t < sets[0].size(); ++t) {
            auto& a = sets[0][t].values;
            auto& b = sets[1][t].values;
            auto& c = sets[2][t].values;
            for (size_t i = 0; i < a.size(); i += 7)
                b[i] = a[i];
            for (size_t i = 3; i < a.size(); i += 11)
                b[i] = -a[i], c[i] = a[i];
            for (size_t i = 5; i < a.size(); i += 13)
                c[i] = -std::max(std::fabs(a[i]), std::fabs(b[i]));
        }
        for (int k = 0; k < 3; ++k) {
            models_ << path(QString("m%1.pt").arg(k + 1));
            save_state_dict(models_.last().toStdString(), sets[k]);
        }
        write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), {});
    }

    void mergeIsExactAgainstElementWiseReference_data() {
        QTest::addColumn<QString>("method");
        // The paper's three, checked here without PyTorch too; every other
        // method in test_cli_methods.
        for (const char* m : {"avg", "max", "absmax"})
            QTest::newRow(m) << QString(m);
    }
    void mergeIsExactAgainstElementWiseReference() {
        QFETCH(QString, method);
        const QString out = path("merged-" + method + ".pt");
        const auto r = run_cli(QStringList{"merge"} + models_ + QStringList{"--method", method, "-o", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const WeightSet merged = load_state_dict(out.toStdString());
        std::vector<WeightSet> in;
        for (const auto& m : models_)
            in.push_back(load_state_dict(m.toStdString()));
        QCOMPARE(merged.size(), in[0].size());
        int ties = 0;
        for (size_t t = 0; t < merged.size(); ++t) {
            QCOMPARE(merged[t].name, in[0][t].name);
            for (size_t i = 0; i < merged[t].values.size(); ++i) {
                const float a = in[0][t].values[i], b = in[1][t].values[i], c = in[2][t].values[i];
                float want;
                if (method == "avg") {
                    want = float((double(a) + double(b) + double(c)) / 3.0);
                } else if (method == "max") {
                    want = a > b ? (a > c ? a : c) : (b > c ? b : c);
                } else {
                    want = a;
                    if (std::fabs(b) > std::fabs(want))
                        want = b;
                    if (std::fabs(c) > std::fabs(want))
                        want = c;
                    ties += std::fabs(a) == std::fabs(b) || std::fabs(a) == std::fabs(c);
                }
                if (std::memcmp(&want, &merged[t].values[i], sizeof(float)) != 0)
                    QFAIL(qPrintable(QString("%1[%2]: %3 != %4")
                                         .arg(merged[t].name.c_str())
                                         .arg(i)
                                         .arg(merged[t].values[i])
                                         .arg(want)));
            }
        }
        if (method == "absmax")
            QVERIFY(ties > 1000);
        if (!python_torch_available())
            QSKIP("PyTorch not installed: skipped the PyTorch cross-check");
        const auto check = run_torch_reference(QStringList{"merge-check", method, out} + models_);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));
    }

    void mergeRefusesMismatchedModelsNamingTheFile() {
        WeightSet mlp = initial_weights("mlp", 1);
        save_state_dict(path("mlp.pt").toStdString(), mlp);
        const auto r = run_cli({"merge", models_[0], path("mlp.pt"), "-o", path("x.pt")});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("mlp.pt"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("x.pt")));
    }

    void evalPrintsJsonWithConfusion() {
        const auto r = run_cli({"eval", models_[0], "--data", path("data"), "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const double acc = json["test_acc"].toDouble(-1);
        QVERIFY(acc >= 0 && acc <= 1);
        QVERIFY(json.contains("test_loss"));
        const auto rows = json["confusion"].toArray();
        QCOMPARE(rows.size(), 10);
        int total = 0, diagonal = 0;
        for (int t = 0; t < 10; ++t)
            for (int p = 0; p < 10; ++p) {
                total += rows[t].toArray()[p].toInt();
                if (t == p)
                    diagonal += rows[t].toArray()[p].toInt();
            }
        QCOMPARE(total, 100); // 10 synthetic test images per class
        QCOMPARE(diagonal / 100.0, acc);
    }

    void exitCodes_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("says");
        QTest::newRow("no subcommand") << QStringList{} << 2 << "";
        QTest::newRow("unknown option") << QStringList{"eval", "m.pt", "--bogus"} << 2 << "--bogus";
        QTest::newRow("unknown method")
            << QStringList{"merge", "a.pt", "b.pt", "--method", "sum", "-o", "o.pt"} << 2 << "sum";
        QTest::newRow("one model") << QStringList{"merge", "a.pt", "-o", "o.pt"} << 2 << "models";
        QTest::newRow("threads out of range")
            << QStringList{"eval", "m.pt", "--threads", "-3"} << 2 << "threads";
        QTest::newRow("missing model file")
            << QStringList{"eval", "/nonexistent/m.pt"} << 1 << "/nonexistent/m.pt";
        QTest::newRow("help") << QStringList{"merge", "--help"} << 0 << "";
    }
    void exitCodes() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, says);
        const auto r = run_cli(args);
        QVERIFY2(r.exit_code == code, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
    }

    // Bad settings: exit 2 and the message names the option.
    void runRefusesBadSettings_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        QTest::newRow("rounds 0") << QStringList{"--rounds", "0"} << "--rounds";
        QTest::newRow("rounds negative") << QStringList{"--rounds", "-2"} << "--rounds";
        QTest::newRow("epochs 0") << QStringList{"--local-epochs", "0"} << "--local-epochs";
        QTest::newRow("batch 0") << QStringList{"--batch", "0"} << "--batch";
        QTest::newRow("fraction 0") << QStringList{"--train-fraction", "0"} << "--train-fraction";
        QTest::newRow("fraction negative") << QStringList{"--train-fraction", "-0.5"} << "--train-fraction";
        QTest::newRow("lr 0") << QStringList{"--lr", "0"} << "--lr";
        QTest::newRow("lr 50") << QStringList{"--lr", "50"} << "--lr";
        QTest::newRow("lr not a number") << QStringList{"--lr", "fast"} << "--lr";
        QTest::newRow("lr nan") << QStringList{"--lr", "nan"} << "--lr";
        QTest::newRow("H envs > classes") << QStringList{"--split", "H", "--envs", "11"} << "--envs";
        QTest::newRow("class twice") << QStringList{"--split", "H", "--classes", "0-4;4-9"} << "--classes";
        QTest::newRow("env without class")
            << QStringList{"--split", "H", "--envs", "3", "--classes", "0-4;;5-9"} << "--classes";
        QTest::newRow("alpha 0") << QStringList{"--split", "dirichlet", "--alpha", "0"} << "--alpha";
        QTest::newRow("unknown method") << QStringList{"--method", "sum"} << "--method";
        QTest::newRow("unknown rule") << QStringList{"--rule", "sgd"} << "--rule";
        QTest::newRow("bad method parameter") << QStringList{"--method", "ties:density=5"} << "--method";
        QTest::newRow("rule in compare") << QStringList{"--compare", "avg,max+fedprox"} << "--compare";
        QTest::newRow("unknown lane parameter")
            << QStringList{"--lanes", "avg,avg+fedprox:nu=1"} << "--lanes";
        QTest::newRow("negative local steps") << QStringList{"--local-steps", "-1"} << "--local-steps";
        QTest::newRow("unknown compare") << QStringList{"--compare", "avg,sum"} << "--compare";
    }
    void runRefusesBadSettings() {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        const auto r = run_cli(QStringList{"run", "--data", path("data")} + args);
        QVERIFY2(r.exit_code == 2, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        QVERIFY2(r.err.contains(option), qPrintable(r.err));
    }

    void runWritesFilesAndShowReproducesTheTable() {
        const QString out = path("run-out");
        const auto r = run_cli({"run", "--data", path("data"), "--rounds", "2", "--threads", "1", "--batch",
                                "16", "--out", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(out + "/run.json") && QFile::exists(out + "/metrics.csv"));
        QVERIFY(QFile::exists(out + "/models/round-002-avg.pt") &&
                QFile::exists(out + "/models/round-002-env-2.pt"));
        const auto shown = run_cli({"show", out});
        QCOMPARE(shown.exit_code, 0);
        // The table printed live equals the one shown from the saved run.
        QVERIFY2(shown.out.startsWith(r.out), qPrintable(r.out + "\n---\n" + shown.out));
        QVERIFY(shown.out.contains("stopped: max_rounds"));
    }

    // Every merged model PyTorch loads from models/ measures the accuracy
    // run.json reports; confusion matrices sum to the test set.
    void savedModelsMeasureTheSameInPyTorch() {
        const QString out = path("run-out");
        QVERIFY(QFile::exists(out + "/run.json")); // written by runWritesFilesAndShowReproducesTheTable
        QFile file(out + "/run.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto run = QJsonDocument::fromJson(file.readAll()).object();
        const auto last = run["rounds"].toArray().last().toObject();
        const auto merged = last["merged"].toObject();
        QCOMPARE(merged.keys().size(), 3);
        for (const QString& method : merged.keys()) {
            const auto m = merged[method].toObject();
            int total = 0, diagonal = 0;
            const auto rows = m["confusion"].toArray();
            for (int t = 0; t < 10; ++t)
                for (int p = 0; p < 10; ++p) {
                    total += rows[t].toArray()[p].toInt();
                    diagonal += t == p ? rows[t].toArray()[p].toInt() : 0;
                }
            QCOMPARE(total, 100);
            QCOMPARE(diagonal / 100.0, m["test_acc"].toDouble());
            if (!python_torch_available())
                continue;
            const auto torch_eval = run_torch_reference(
                {"eval", out + "/models/round-002-" + method + ".pt", "--data", path("data")});
            QVERIFY2(torch_eval.exit_code == 0, qPrintable(torch_eval.err));
            QCOMPARE(QJsonDocument::fromJson(torch_eval.out.toUtf8()).object()["test_acc"].toDouble(),
                     m["test_acc"].toDouble());
        }
        if (!python_torch_available())
            QSKIP("PyTorch not installed: checked the confusion matrices only");
    }

    void evalRefusesAModelMissingATensor() {
        WeightSet w = initial_weights("cnn", 1);
        w.pop_back(); // fc2.bias
        save_state_dict(path("partial.pt").toStdString(), w);
        const auto r = run_cli({"eval", path("partial.pt"), "--data", path("data"), "--model", "cnn"});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("partial.pt") && r.err.contains("fc2.bias"), qPrintable(r.err));
    }

    void evalBadDataDirectoryExitsOne() {
        const auto r = run_cli({"eval", models_[0], "--data", path("nowhere")});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.contains("nowhere"), qPrintable(r.err));
    }

    // Must match PyTorch on a model PyTorch trained and saved the everyday way.
    void evalMatchesPyTorchOnRealData() {
        if (real_data_dir().isEmpty())
            QSKIP("Fashion-MNIST not installed");
        if (!python_torch_available())
            QSKIP("PyTorch not installed");
        const QString model = path("torch-trained.pt");
        const auto trained =
            run_torch_reference({"train", model, "--data", real_data_dir(), "--limit", "6000"});
        QVERIFY2(trained.exit_code == 0, qPrintable(trained.err));
        const auto torch_json = QJsonDocument::fromJson(trained.out.toUtf8()).object();
        const auto r = run_cli({"eval", model, "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto ours = QJsonDocument::fromJson(r.out.toUtf8()).object();
        qInfo("PyTorch test_acc %.4f, mergelab-cli eval test_acc %.4f", torch_json["test_acc"].toDouble(),
              ours["test_acc"].toDouble());
        QVERIFY(torch_json["test_acc"].toDouble() > 0.5); // it learned something
        QCOMPARE(ours["test_acc"].toDouble(), torch_json["test_acc"].toDouble());
        QVERIFY(std::fabs(ours["test_loss"].toDouble() - torch_json["test_loss"].toDouble()) < 1e-4);
    }
};

MERGELAB_TEST_GUILESS(test_cli, TestCli)
} // namespace test_cli

#include "test_cli.moc"
