#include "support/errors.h"

#include "mergelab/error.h"

namespace mergelab::testing {

QString errorMessage(const std::function<void()>& action) {
    try {
        action();
    } catch (const mergelab::Error& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

} // namespace mergelab::testing
