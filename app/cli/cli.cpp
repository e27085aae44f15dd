#include "cli/cli.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/text.h"
#include "mergelab/version.h"

namespace mergelab::cli {

int main(int argc, char** argv) {
    CLI::App app{"MergeLab: train a network in separate environments and merge their weights.\n"
                 "Each subcommand has --help.",
                 "mergelab-cli"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("mergelab-cli ") + kVersion, "Show the version and exit.");
    std::string log_level;
    app.add_option("--log-level", log_level,
                   "trace, debug, info, warn, error or off (default: $MERGELAB_LOG or info)");
    app.parse_complete_callback([&] {
        if (!log_level.empty())
            set_log_level(log_level);
    });
    add_merge_command(app);
    add_align_command(app);
    add_eval_command(app);
    add_run_command(app);
    add_paper_command(app);
    add_show_command(app);
    add_methods_command(app);
    add_interpolate_command(app);
    add_provenance_command(app);
    add_coordinate_command(app);
    add_env_command(app);

    try {
        init_logging("info");
        app.parse(argc, argv);
        return kExitOk;
    } catch (const ExitRequest& e) {
        return e.code;
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return kExitOk;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return kExitOk;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << '\n';
        return kExitOk;
    } catch (const CLI::ParseError& e) {
        std::cerr << "mergelab-cli: " << printable(e.what()) << "\nRun with --help for usage.\n";
        return kExitUsage;
    } catch (const UsageError& e) {
        std::cerr << "mergelab-cli: " << printable(e.what()) << '\n';
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "mergelab-cli: error: " << printable(e.what()) << '\n';
        return kExitFailure;
    }
}

} // namespace mergelab::cli
