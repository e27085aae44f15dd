// Every setting's declaration against every front end: the CLI accepts
// exactly its range, the setup panel's widget has the same range, and
// run.json keeps the value. A setting added to settings.cpp is tested here
// without another line.
#include <QtTest>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>

#include <cmath>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "mergelab/run_files.h"
#include "mergelab/settings.h"
#include "mergelab/split.h"
#include "setup_panel.h"
#include "support/test_main.h"

namespace test_settings {

using namespace mergelab;

namespace {

struct CliResult {
    int code = 0;
    std::string err;
};

// mergelab-cli run ARGS --dry-run, in this process: std::cerr captured.
CliResult dry_run(const std::vector<std::string>& args) {
    std::vector<std::string> all{"mergelab-cli", "--log-level", "off", "run", "--dry-run"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all)
        argv.push_back(a.data());
    std::ostringstream err, out;
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    const int code = cli::main(static_cast<int>(argv.size()), argv.data());
    std::cerr.rdbuf(old_err);
    std::cout.rdbuf(old_out);
    return {code, err.str()};
}

std::string text(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
}

// Options some settings need beside them to be meaningful.
std::vector<std::string> context(const SettingDescriptor& d) {
    if (d.key == "classes")
        return {"--split", "H"};
    return {};
}

// A value just past `end` in the direction `sign`, for a real setting.
double beyond(double end, int sign) {
    return end + sign * std::max(1e-9, std::fabs(end) * 1e-9);
}

// A setting only this test declares: if one declaration is enough, it shows
// up in every front end below with no other edit.
SettingDescriptor test_only_setting() {
    SettingDescriptor d;
    d.key = "test_knob";
    d.flag = "--test-knob";
    d.label = "Test knob";
    d.help = "a setting declared in a test";
    d.type = SettingType::Integer;
    d.min = 1, d.max = 9;
    d.group = "training";
    d.get = [](const ExperimentConfig& c) {
        const auto it = c.extensions.find("test_knob");
        return SettingValue(int64_t(it == c.extensions.end() ? 3 : std::stoll(it->second)));
    };
    d.set = [](ExperimentConfig& c, const SettingValue& v) {
        c.extensions["test_knob"] = std::to_string(std::get<int64_t>(v));
    };
    return d;
}

// mergelab-cli ARGS in this process: exit code and std::cout.
std::pair<int, std::string> cli_output(std::vector<std::string> all) {
    all.insert(all.begin(), "mergelab-cli");
    std::vector<char*> argv;
    for (auto& a : all)
        argv.push_back(a.data());
    std::ostringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    const int code = cli::main(static_cast<int>(argv.size()), argv.data());
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    return {code, out.str() + err.str()};
}

} // namespace

class TestSettings : public QObject {
    Q_OBJECT

private slots:
    // Before any front end reads the list, so every data-driven test here
    // also covers the test's own setting.
    void initTestCase() { register_setting(test_only_setting()); }

    void aSettingDeclaredOnceReachesEveryFrontEnd() {
        // The panel: a field in its group's box, with the declared range.
        ui::SetupPanel panel;
        auto* spin = qobject_cast<QSpinBox*>(panel.fieldWidget("test_knob"));
        QVERIFY(spin);
        QCOMPARE(spin->minimum(), 1);
        QCOMPARE(spin->maximum(), 9);
        QWidget* box = panel.findChild<QWidget*>("group-training");
        QVERIFY(box);
        QVERIFY(box->isAncestorOf(spin));
        QVERIFY(!panel.findChild<QWidget*>("group-environments")->isAncestorOf(spin));
        spin->setValue(7);
        QCOMPARE(panel.config().extensions.at("test_knob"), std::string("7"));
        // run --help, with its range and default.
        const auto [code, help] = cli_output({"run", "--help"});
        QCOMPARE(code, 0);
        QVERIFY2(help.find("--test-knob") != std::string::npos, help.c_str());
        QVERIFY2(help.find("a setting declared in a test") != std::string::npos, help.c_str());
        // run.json, both ways.
        const ExperimentConfig shown = panel.config();
        const std::string json = config_to_json(shown);
        const QJsonObject written = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
        QCOMPARE(written.value("test_knob").toInt(), 7);
        QCOMPARE(config_from_json(json, "test").extensions.at("test_knob"), std::string("7"));
        // Validation, from the command line and from the panel.
        const auto [refused, message] =
            cli_output({"--log-level", "off", "run", "--dry-run", "--test-knob", "12"});
        QCOMPARE(refused, 2);
        QVERIFY2(message.find("--test-knob") != std::string::npos, message.c_str());
        QCOMPARE(cli_output({"--log-level", "off", "run", "--dry-run", "--test-knob", "5"}).first, 0);
        ExperimentConfig wrong = shown;
        wrong.extensions["test_knob"] = "0";
        try {
            validate(wrong);
            QFAIL("a knob of 0 was accepted");
        } catch (const UsageError& e) {
            QCOMPARE(QString::fromStdString(e.field()), QStringLiteral("test_knob"));
        }
    }

    void everySettingHasAKeyAFlagOrAWidgetAndHelp() {
        QVERIFY(settings().size() >= 20);
        for (const auto& d : settings()) {
            QVERIFY2(!d.key.empty() && !d.label.empty() && !d.help.empty(), d.key.c_str());
            QVERIFY2(!d.flag.empty() || !d.group.empty(), d.key.c_str());
            QVERIFY2(d.get && d.set, d.key.c_str());
        }
    }

    void cliAcceptsExactlyTheDeclaredRange_data() {
        QTest::addColumn<QString>("key");
        for (const auto& d : settings())
            if (!d.flag.empty())
                QTest::newRow(d.key.c_str()) << QString::fromStdString(d.key);
    }
    void cliAcceptsExactlyTheDeclaredRange() {
        QFETCH(QString, key);
        const SettingDescriptor& d = setting(key.toStdString());
        auto accepted = [&](const std::string& value) {
            auto args = context(d);
            args.insert(args.end(), {d.flag, value});
            const auto r = dry_run(args);
            QVERIFY2(r.code == 0, (d.flag + " " + value + " was refused: " + r.err).c_str());
        };
        auto refused = [&](const std::string& value) {
            auto args = context(d);
            args.insert(args.end(), {d.flag, value});
            const auto r = dry_run(args);
            QVERIFY2(r.code == 2, (d.flag + " " + value + " gave exit " + std::to_string(r.code)).c_str());
            QVERIFY2(r.err.find(d.flag) != std::string::npos, (d.flag + " not named in: " + r.err).c_str());
        };
        switch (d.type) {
        case SettingType::Integer:
            accepted(text(d.min));
            accepted(text(d.max));
            refused(text(d.min - 1));
            refused(text(d.max + 1));
            refused("abc");
            refused("99999999999999999999999");
            break;
        case SettingType::Real:
            if (d.min_open) {
                refused(text(d.min));
                accepted(text(beyond(d.min, +1)));
            } else {
                accepted(text(d.min));
                refused(text(beyond(d.min, -1)));
            }
            if (d.max_open) {
                refused(text(d.max));
                accepted(text(beyond(d.max, -1)));
            } else {
                accepted(text(d.max));
                refused(text(beyond(d.max, +1)));
            }
            refused("nan");
            refused("fast");
            break;
        case SettingType::Choice:
        case SettingType::List:
            for (const auto& name : d.choices())
                accepted(name);
            refused("no-such-entry");
            break;
        case SettingType::ClassGroups:
            accepted("0-4;5-9");
            refused("0-4;4-9");
            break;
        case SettingType::Text:
        case SettingType::Flag:
            break;
        }
    }

    void setupPanelWidgetsHaveTheDeclaredRange_data() {
        QTest::addColumn<QString>("key");
        for (const auto& d : settings())
            if (!d.group.empty() && d.type != SettingType::List && d.key != "mode")
                QTest::newRow(d.key.c_str()) << QString::fromStdString(d.key);
    }
    void setupPanelWidgetsHaveTheDeclaredRange() {
        QFETCH(QString, key);
        const SettingDescriptor& d = setting(key.toStdString());
        ui::SetupPanel panel;
        QWidget* w = panel.fieldWidget(key);
        QVERIFY2(w, "no widget");
        QCOMPARE(w->objectName(), key);
        const double lo = d.min * d.display_scale, hi = d.max * d.display_scale;
        if (auto* spin = qobject_cast<QSpinBox*>(w)) {
            QCOMPARE(spin->minimum(), int(lo));
            QCOMPARE(spin->maximum(), int(hi));
        } else if (auto* spin = qobject_cast<QDoubleSpinBox*>(w)) {
            QCOMPARE(spin->minimum(), lo);
            QCOMPARE(spin->maximum(), hi);
        } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
            QStringList items, choices;
            for (int i = 0; i < combo->count(); ++i)
                items << combo->itemData(i).toString();
            for (const auto& c : d.choices())
                choices << QString::fromStdString(c);
            QCOMPARE(items, choices);
        } else if (auto* slider = w->findChild<QSlider*>()) {
            // Both ends of a log slider are the declared ends.
            ExperimentConfig c = panel.config();
            c.split.kind = "dirichlet";
            panel.setConfig(c);
            slider->setValue(slider->minimum());
            QCOMPARE(std::get<double>(d.get(panel.config())), d.min);
            slider->setValue(slider->maximum());
            QCOMPARE(std::get<double>(d.get(panel.config())), d.max);
        } else if (auto* edit = qobject_cast<QLineEdit*>(w); edit && d.type == SettingType::Real) {
            // A text field: the panel refuses what the CLI refuses.
            edit->setText(QString::number(d.max, 'g', 17));
            QVERIFY2(panel.fieldError(key).isEmpty(), qPrintable(panel.fieldError(key)));
            edit->setText(QString::number(d.max * 2, 'g', 17));
            QVERIFY(!panel.fieldError(key).isEmpty());
            edit->setText(QString::number(d.min, 'g', 17));
            QCOMPARE(panel.fieldError(key).isEmpty(), !d.min_open);
        } else if (d.type != SettingType::Text && d.type != SettingType::Flag &&
                   d.type != SettingType::ClassGroups) {
            QFAIL("the widget kind is not checked here");
        }
    }

    // A refusal is shown beside the field in the field's own words, not the
    // CLI's option name.
    void panelNamesTheFieldNotTheOption() {
        ui::SetupPanel panel;
        auto* lr = panel.findChild<QLineEdit*>("lr");
        QVERIFY(lr);
        lr->setText("50");
        const QString message = panel.fieldError("lr");
        QVERIFY2(message.startsWith("Learning rate"), qPrintable(message));
        QVERIFY(!message.contains("--"));
    }

    void runJsonKeepsEveryValue_data() {
        QTest::addColumn<QString>("key");
        for (const auto& d : settings())
            QTest::newRow(d.key.c_str()) << QString::fromStdString(d.key);
    }
    void runJsonKeepsEveryValue() {
        QFETCH(QString, key);
        const SettingDescriptor& d = setting(key.toStdString());
        ExperimentConfig c;
        // A value other than the default, within the range.
        SettingValue v = d.get(c);
        switch (d.type) {
        case SettingType::Integer:
            v = int64_t(d.max);
            break;
        case SettingType::Real:
            v = d.max_open ? (d.min + d.max) / 2 : d.max;
            break;
        case SettingType::Flag:
            v = !std::get<bool>(v);
            break;
        case SettingType::Choice:
            v = d.choices().back();
            break;
        case SettingType::List:
            v = std::vector<std::string>{d.choices().back(), d.choices().front()};
            break;
        case SettingType::Text:
            v = std::string("/some/where");
            break;
        case SettingType::ClassGroups:
            v = std::string("0,2;1,3-9");
            break;
        }
        d.set(c, v);
        const ExperimentConfig back = config_from_json(config_to_json(c), "test");
        QCOMPARE(QString::fromStdString(format_setting(d, d.get(back))),
                 QString::fromStdString(format_setting(d, v)));
    }

    // Adding a split or a preset is one registry entry: the CLI, the engine,
    // run.json and the setup panel take it without another line.
    void aRegisteredSplitAndPresetReachEveryFrontEnd() {
        SplitKind stripes;
        stripes.name = "stripes";
        stripes.label = "Stripes: even and odd classes";
        stripes.description = "test-only: environment k holds the classes c with c % envs == k";
        stripes.make = [](const SplitSpec&) {
            return make_h_partitioner({{0, 2, 4, 6, 8}, {1, 3, 5, 7, 9}});
        };
        register_split(stripes);
        Preset demo;
        demo.name = "stripes-demo";
        demo.label = "Stripes demo";
        demo.description = "test-only preset";
        demo.apply = [](ExperimentConfig& c) {
            c.split.kind = "stripes";
            c.rounds = 3;
        };
        register_preset(demo);

        QCOMPARE(dry_run({"--split", "stripes"}).code, 0);
        std::vector<uint8_t> labels;
        for (int i = 0; i < 400; ++i)
            labels.push_back(uint8_t(i % 10));
        SplitSpec spec;
        spec.kind = "stripes";
        QCOMPARE(make_environments(spec, labels, 1)[1].classes, (std::vector<int>{1, 3, 5, 7, 9}));
        ExperimentConfig c = preset("stripes-demo");
        QCOMPARE(config_from_json(config_to_json(c), "test").split.kind, std::string("stripes"));

        ui::SetupPanel panel;
        auto* split = qobject_cast<QComboBox*>(panel.fieldWidget("split"));
        QVERIFY(split->findData("stripes") >= 0);
        panel.applyPreset("stripes-demo");
        QCOMPARE(panel.config().split.kind, std::string("stripes"));
        QCOMPARE(panel.config().rounds, 3);
        QCOMPARE(panel.presetName(), QString("stripes-demo"));
    }

    // One seed: a config read back from run.json splits with its own seed.
    void theSeedInRunJsonIsTheSplitsSeed() {
        ExperimentConfig c;
        c.seed = 7;
        const ExperimentConfig back = config_from_json(config_to_json(c), "test");
        QCOMPARE(back.seed, uint64_t(7));
        std::vector<uint8_t> labels;
        for (int i = 0; i < 400; ++i)
            labels.push_back(uint8_t(i % 10));
        QVERIFY(make_environments(back.split, labels, back.seed)[0].train ==
                make_environments(c.split, labels, 7)[0].train);
        QVERIFY(make_environments(back.split, labels, back.seed)[0].train !=
                make_environments(c.split, labels, 1)[0].train);
    }
};

MERGELAB_TEST_WIDGETS(test_settings, TestSettings)
} // namespace test_settings

#include "test_settings.moc"
