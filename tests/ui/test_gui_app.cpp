// The app's first contact: its command line anywhere (no display needed
// for --help and --version, bad values refused with exit 2), and a first
// window that fits a 1280x720 projector.
#include <QtTest>

#include <QProcess>
#include <QScreen>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "command_line.h"
#include "main_window.h"
#include "support/test_main.h"

namespace test_gui_app {

using namespace mergelab::ui;

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

// The built app ($MERGELAB_GUI, set by ctest) with no display at all.
Result run_app(const QStringList& args) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.insert("QT_QPA_PLATFORM", "xcb");
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("MERGELAB_GUI"), args);
    p.waitForFinished(30000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromLocal8Bit(p.readAllStandardOutput()),
            QString::fromLocal8Bit(p.readAllStandardError())};
}

} // namespace

class TestGuiApp : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void helpAndVersionNeedNoDisplay() {
        if (qEnvironmentVariableIsEmpty("MERGELAB_GUI"))
            QSKIP("MERGELAB_GUI not set (run through ctest)");
        Result help = run_app({"--help"});
        QCOMPARE(help.code, 0);
        QVERIFY2(help.out.contains("--preset") && help.out.contains("--rounds"),
                 qPrintable(help.out + help.err));
        QVERIFY2(help.out.startsWith("Usage: mergelab "), qPrintable(help.out));
        Result version = run_app({"--version"});
        QCOMPARE(version.code, 0);
        QVERIFY(version.out.startsWith("MergeLab "));
    }

    void badValuesExit2NamingTheOption_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        QTest::newRow("rounds abc") << QStringList{"--rounds", "abc"} << "--rounds";
        QTest::newRow("rounds 0") << QStringList{"--rounds", "0"} << "--rounds";
        QTest::newRow("rounds -3") << QStringList{"--rounds=-3"} << "--rounds";
        QTest::newRow("rounds 99999") << QStringList{"--rounds", "99999"} << "--rounds";
        QTest::newRow("unknown option") << QStringList{"--bogus"} << "bogus";
        QTest::newRow("size") << QStringList{"--size", "big"} << "--size";
        QTest::newRow("preset") << QStringList{"--preset", "fast"} << "--preset";
    }
    void badValuesExit2NamingTheOption() {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        // In-process, the parser itself.
        QStringList argv{"mergelab"};
        argv << args;
        const CommandLine line = parse_command_line(argv);
        QCOMPARE(line.exit_code, 2);
        QVERIFY2(line.err.contains(named), qPrintable(line.err));
        // And the app, without a display.
        if (qEnvironmentVariableIsEmpty("MERGELAB_GUI"))
            return;
        const Result r = run_app(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(named), qPrintable(r.err));
    }

    void goodValuesAreKept() {
        const CommandLine line = parse_command_line(
            {"mergelab", "--rounds", "7", "--preset", "paper-h", "--size", "1366x768", "-platform", "xcb"});
        QCOMPARE(line.exit_code, -1);
        QCOMPARE(*line.options.rounds, 7);
        QCOMPARE(line.options.preset, QStringLiteral("H"));
        QCOMPARE(line.options.size, QSize(1366, 768));
    }

    // The offscreen screen here is 1280x720 (see main).
    void firstWindowFitsTheScreen() {
        const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
        QCOMPARE(available.size(), QSize(1280, 720));
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(available.contains(window.frameGeometry()),
                 qPrintable(QStringLiteral("%1x%2")
                                .arg(window.frameGeometry().width())
                                .arg(window.frameGeometry().height())));
        // Down to 1024x768 the window can shrink to fit (the setup panel scrolls).
        const QSize least = window.minimumSizeHint();
        QVERIFY2(least.width() <= 1024 && least.height() <= 700,
                 qPrintable(QStringLiteral("%1x%2").arg(least.width()).arg(least.height())));
        // A remembered size larger than the screen is not restored as such.
        window.resize(2100, 1350);
        window.close();
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(available.contains(again.frameGeometry()));
    }
};

static int run_test_gui_app(int argc, char** argv) {
    // A 1280x720 screen for the offscreen platform.
    QTemporaryDir dir;
    const QString config = dir.filePath("screen.json");
    QFile file(config);
    if (file.open(QIODevice::WriteOnly))
        file.write(R"({"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1280, "height": 720,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})");
    file.close();
    qputenv("QT_QPA_PLATFORM", QByteArray("offscreen:configfile=") + config.toUtf8());
    QApplication app(argc, argv);
    TestGuiApp test;
    return QTest::qExec(&test, argc, argv);
}
MERGELAB_REGISTER_TEST_RUNNER(test_gui_app, run_test_gui_app)

} // namespace test_gui_app

#include "test_gui_app.moc"
