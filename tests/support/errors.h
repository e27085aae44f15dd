#pragma once
// Checking what mergelab::Error says.
#include <QString>

#include <functional>

namespace mergelab::testing {

// The message of the mergelab::Error `action` throws; null if it throws none.
// Other exceptions escape on purpose so QtTest reports them as failures.
QString errorMessage(const std::function<void()>& action);

} // namespace mergelab::testing
