#include "cli/cli.h"

int main(int argc, char** argv) {
    return mergelab::cli::main(argc, argv);
}
