// Linked into the test executables that run the CLI (test_core, test_app):
// run_cli forks into the CLI's code instead of starting the mergelab-cli
// executable (see support/process.h).
#include "cli/cli.h"
#include "support/process.h"

namespace {
const bool cli_in_process = (mergelab::testing::use_cli_entry(&mergelab::cli::main), true);
} // namespace
