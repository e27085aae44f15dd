#include "traffic.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

#include <cmath>

namespace mergelab::ui {

bool has_traffic(const RunResult& run) {
    for (const RoundResult& r : run.rounds)
        if (r.traffic() > 0)
            return true;
    return false;
}

std::vector<int64_t> cumulative_traffic(const RunResult& run) {
    std::vector<int64_t> sums;
    sums.reserve(run.rounds.size());
    int64_t total = 0;
    for (const RoundResult& r : run.rounds) {
        total += r.traffic();
        sums.push_back(total);
    }
    return sums;
}

ByteUnit unit_for(double largest) {
    // From half a unit on the larger one: 0.90 MB reads more easily beside
    // 1.56 MB than 900 KB does.
    const double a = std::abs(largest);
    if (a >= 0.5e9)
        return {1e9, QCoreApplication::translate("mergelab::ui::Traffic", "GB")};
    if (a >= 0.5e6)
        return {1e6, QCoreApplication::translate("mergelab::ui::Traffic", "MB")};
    if (a >= 0.5e3)
        return {1e3, QCoreApplication::translate("mergelab::ui::Traffic", "KB")};
    return {1, QCoreApplication::translate("mergelab::ui::Traffic", "B")};
}

QString format_bytes(double bytes) {
    const ByteUnit unit = unit_for(bytes);
    const double value = bytes / unit.bytes;
    // About three significant digits; whole bytes have no fraction.
    const int decimals = unit.bytes == 1 ? 0 : (std::abs(value) < 10 ? 2 : (std::abs(value) < 100 ? 1 : 0));
    return QStringLiteral("%1 %2").arg(QLocale().toString(value, 'f', decimals), unit.symbol);
}

QStringList upload_texts(const EnvRoundMetrics& env) {
    if (env.sent_weight_bytes + env.sent_statistics_bytes <= 0)
        return {};
    const QString weights = format_bytes(double(env.sent_weight_bytes));
    const QString statistics = format_bytes(double(env.sent_statistics_bytes));
    const QString total =
        QStringLiteral("↑ %1").arg(format_bytes(double(env.sent_weight_bytes + env.sent_statistics_bytes)));
    // One line per payload; then each amount above its word, for a short
    // arrow with room beside it; then the total alone.
    QString line = QCoreApplication::translate("mergelab::ui::Traffic", "↑ %1 weights").arg(weights);
    QString stacked = QStringLiteral("↑ %1\n").arg(weights) +
                      QCoreApplication::translate("mergelab::ui::Traffic", "weights");
    if (env.sent_statistics_bytes > 0) {
        line += QLatin1Char('\n') +
                QCoreApplication::translate("mergelab::ui::Traffic", "+ %1 statistics").arg(statistics);
        stacked += QStringLiteral("\n+ %1\n").arg(statistics) +
                   QCoreApplication::translate("mergelab::ui::Traffic", "statistics");
    }
    return {line, stacked, total};
}

QStringList download_texts(const EnvRoundMetrics& env) {
    if (env.received_weight_bytes + env.received_statistics_bytes <= 0)
        return {};
    const QString size = format_bytes(double(env.received_weight_bytes));
    QString line = QCoreApplication::translate("mergelab::ui::Traffic", "↓ %1 merged model").arg(size);
    QString stacked = QStringLiteral("↓ %1\n").arg(size) +
                      QCoreApplication::translate("mergelab::ui::Traffic", "merged model");
    // The Gaussians of the classes it lacks (vimages), in the first round.
    if (env.received_statistics_bytes > 0) {
        const QString statistics = format_bytes(double(env.received_statistics_bytes));
        line += QLatin1Char('\n') +
                QCoreApplication::translate("mergelab::ui::Traffic", "+ %1 statistics").arg(statistics);
        stacked += QStringLiteral("\n+ %1\n").arg(statistics) +
                   QCoreApplication::translate("mergelab::ui::Traffic", "statistics");
    }
    const QString total = format_bytes(double(env.received_weight_bytes + env.received_statistics_bytes));
    return {line, stacked, QStringLiteral("↓ %1").arg(total)};
}

} // namespace mergelab::ui
