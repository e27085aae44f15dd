#pragma once
#include <QString>

namespace mergelab::ui {

QString application_version();

} // namespace mergelab::ui
