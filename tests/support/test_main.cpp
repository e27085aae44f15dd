#include "support/test_main.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace mergelab::testing {
namespace {

std::map<std::string, TestRunner>& registry() {
    // A function's static: the registrations run before main, in no set order.
    static std::map<std::string, TestRunner> tests;
    return tests;
}

} // namespace

bool register_test(const char* name, TestRunner run) {
    return registry().emplace(name, run).second;
}

} // namespace mergelab::testing

int main(int argc, char** argv) {
    const auto& tests = mergelab::testing::registry();
    const auto found = argc >= 2 ? tests.find(argv[1]) : tests.end();
    if (found == tests.end()) {
        std::fprintf(stderr, "usage: %s TEST [Qt Test options]\nTEST is one of:\n", argv[0]);
        for (const auto& [name, run] : tests)
            std::fprintf(stderr, "  %s\n", name.c_str());
        return argc >= 2 && std::strcmp(argv[1], "--list") == 0 ? 0 : 2;
    }
    // Qt Test sees the program and its own options, not the test's name.
    std::vector<char*> args{argv[0]};
    args.insert(args.end(), argv + 2, argv + argc);
    const int count = static_cast<int>(args.size());
    args.push_back(nullptr);
    return found->second(count, args.data());
}
