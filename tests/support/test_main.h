#pragma once
// One test executable per folder of tests/ (test_core, test_ui, test_app)
// holding one Qt Test class per source file. ctest runs each class on its
// own, as `test_core test_split [Qt Test options]`, with a home of its own.
// Forty-odd executables each paid a link and a moc pass of seconds; three
// pay them once. Each source ends with one of the macros below in place of
// QTEST_MAIN.
#include <QtTest>

namespace mergelab::testing {

using TestRunner = int (*)(int argc, char** argv);
// Files `run` under `name`; called by the macros at static initialisation.
bool register_test(const char* name, TestRunner run);

} // namespace mergelab::testing

#define MERGELAB_REGISTER_TEST_RUNNER(name, runner)                                                          \
    static const bool mergelab_registered_##name = mergelab::testing::register_test(#name, runner);

// The runner of `name`: the statements given after TestClass run first
// (they make the application object, if any), then Qt Test runs TestClass.
#define MERGELAB_TEST_RUNNER_WITH(name, TestClass, ...)                                                      \
    static int mergelab_run_##name(int argc, char** argv) {                                                  \
        __VA_ARGS__                                                                                          \
        TestClass test;                                                                                      \
        QTEST_SET_MAIN_SOURCE_PATH                                                                           \
        return QTest::qExec(&test, argc, argv);                                                              \
    }                                                                                                        \
    MERGELAB_REGISTER_TEST_RUNNER(name, mergelab_run_##name)

// The class under a QCoreApplication, as QTEST_GUILESS_MAIN.
#define MERGELAB_TEST_GUILESS(name, TestClass)                                                               \
    MERGELAB_TEST_RUNNER_WITH(name, TestClass, QCoreApplication app(argc, argv);)

// The class with no application object, as QTEST_APPLESS_MAIN.
#define MERGELAB_TEST_APPLESS(name, TestClass) MERGELAB_TEST_RUNNER_WITH(name, TestClass, )

// The class under a QApplication, as QTEST_MAIN does for widgets.
#define MERGELAB_TEST_WIDGETS(name, TestClass)                                                               \
    MERGELAB_TEST_RUNNER_WITH(name, TestClass, QApplication app(argc, argv);                                 \
                              app.setAttribute(Qt::AA_Use96Dpi, true);)
