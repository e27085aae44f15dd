#pragma once
// Every element of one tensor coloured by the environment it came from:
// a 4-d conv weight as a grid of small maps (one per filter: input channels
// down, kernel positions across), anything else as rows of units.
#include <QImage>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace mergelab::ui {

class ProvenanceMap : public QWidget {
    Q_OBJECT
public:
    explicit ProvenanceMap(QWidget* parent = nullptr);

    // `sources[i]` is element i's environment (0-based), row-major in `shape`.
    void setSources(const std::vector<int8_t>& sources, const std::vector<int64_t>& shape);
    void setMessage(const QString& message); // instead of a map
    bool hasMap() const { return !units_.isEmpty(); }
    QString message() const { return message_; }

    QSize minimumSizeHint() const override { return {160, 120}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QVector<QImage> units_; // one per filter, or one for the whole tensor
    QString message_;
};

} // namespace mergelab::ui
