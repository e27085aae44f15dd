#pragma once
// Running MergeLab's executables and the PyTorch reference script from tests.
#include <functional>

#include <QProcess>
#include <QString>
#include <QStringList>

namespace mergelab::testing {

struct ProcessResult {
    int exit_code = -1;
    QString out;
    QString err;
};

// Runs mergelab-cli with `args` in a process of its own. Where the test
// executable holds the CLI's code (use_cli_entry), the process is a fork of
// the test running that code, as the executable would: exec-ing the
// executable costs about 0.75 s of loading libtorch each time, and the CLI
// tests start hundreds. Elsewhere, the executable at $MERGELAB_CLI.
ProcessResult run_cli(const QStringList& args, int timeout_ms = 300000);
// The CLI's entry (mergelab::cli::main) for run_cli to fork into.
using CliEntry = int (*)(int argc, char** argv);
void use_cli_entry(CliEntry entry);
// Runs the mergelab-cli executable with its address space limited to `address_space_bytes`
// (RLIMIT_AS, as `ulimit -v`); `peak_rss_kb` gets the child's peak resident
// set (ru_maxrss of that child alone).
ProcessResult run_cli_limited(const QStringList& args, unsigned long long address_space_bytes,
                              long* peak_rss_kb, int timeout_ms = 300000);
// mergelab-cli's path ($MERGELAB_CLI, set by ctest; else found on PATH).
QString cli_program();
// A loopback port nobody listens on now: the kernel's choice for port 0.
int free_port();
// Processes Qt's events until `done` or `ms` milliseconds have passed;
// whether `done` came true.
bool wait_for(const std::function<bool()>& done, int ms);
// True when /usr/bin/python3 can import torch.
bool python_torch_available();
// Runs tests/python/torch_reference.py with `args`.
ProcessResult run_torch_reference(const QStringList& args, int timeout_ms = 600000);
// The real Fashion-MNIST directory if installed, else empty.
QString real_data_dir();

} // namespace mergelab::testing
