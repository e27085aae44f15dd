// The fused pool + ReLU kernel against the two torch ops it replaces: values
// and gradients must be identical, bit for bit, ties and NaN included.
//
// One of the few tests that sees torch: torch headers come first and Qt's
// keywords are off (QT_NO_KEYWORDS), since Qt's `slots` macro breaks them.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>

#include "pool_relu.h"
#include "support/test_main.h"

namespace test_pool_relu {

using namespace mergelab;

namespace {

// NaN compares unequal to itself; compare the bytes instead.
bool same_bits(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes())
        return false;
    const auto x = a.contiguous(), y = b.contiguous();
    return std::memcmp(x.data_ptr(), y.data_ptr(), x.numel() * x.element_size()) == 0;
}

struct Outcome {
    torch::Tensor value, grad;
};

Outcome run(const torch::Tensor& input, const torch::Tensor& upstream, bool fused) {
    auto x = input.clone().requires_grad_(true);
    auto y = fused ? max_pool2_relu(x) : torch::relu(torch::max_pool2d(x, 2));
    y.backward(upstream);
    return {y.detach(), x.grad()};
}

// Small integers tie often; a sprinkling of NaN and of whole windows <= 0
// reaches every branch.
torch::Tensor awkward_input(std::vector<int64_t> shape, uint64_t seed) {
    torch::manual_seed(seed);
    auto x = torch::randint(-3, 4, shape).to(torch::kFloat32);
    auto flat = x.view({-1});
    flat.index_put_({torch::randint(flat.numel(), {flat.numel() / 50 + 1})}, NAN);
    return x;
}

} // namespace

class TestPoolRelu : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void equalsTorchOps_data() {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("side");
        QTest::addColumn<bool>("awkward");
        // The CNN's two layers (26 and 11: odd, the last row and column
        // dropped), plus sizes that leave a partial vector step.
        QTest::newRow("conv1 26x26") << 32 << 26 << false;
        QTest::newRow("conv2 11x11") << 64 << 11 << false;
        QTest::newRow("ties+NaN 26x26") << 8 << 26 << true;
        QTest::newRow("ties+NaN 11x11") << 8 << 11 << true;
        QTest::newRow("ties+NaN 2x2") << 3 << 2 << true;
        QTest::newRow("ties+NaN 17x17") << 5 << 17 << true;
    }
    void equalsTorchOps() {
        QFETCH(int, channels);
        QFETCH(int, side);
        QFETCH(bool, awkward);
        torch::manual_seed(side);
        const std::vector<int64_t> shape{7, channels, side, side};
        const auto input = awkward ? awkward_input(shape, side) : torch::randn(shape);
        const auto upstream = torch::randn({7, channels, side / 2, side / 2});
        const auto fused = run(input, upstream, true), reference = run(input, upstream, false);
        QVERIFY(same_bits(fused.value, reference.value));
        QVERIFY(same_bits(fused.grad, reference.grad));
        if (awkward)
            QVERIFY(torch::isnan(fused.value).any().item<bool>()); // NaN really reached the output
    }

    void nonSquareAndStridedInput() {
        torch::manual_seed(3);
        // A transposed view is not contiguous; the kernel must not assume it is.
        const auto input = awkward_input({2, 4, 9, 14}, 3).transpose(2, 3);
        const auto upstream = torch::randn({2, 4, 7, 4});
        const auto fused = run(input, upstream, true), reference = run(input, upstream, false);
        QVERIFY(same_bits(fused.value, reference.value));
        QVERIFY(same_bits(fused.grad, reference.grad));
    }

    void sameResultOnOneOrTwoThreads() {
        const auto input = awkward_input({64, 32, 26, 26}, 5);
        const auto upstream = torch::randn({64, 32, 13, 13});
        torch::set_num_threads(1);
        const auto one = run(input, upstream, true);
        torch::set_num_threads(2);
        const auto two = run(input, upstream, true);
        QVERIFY(same_bits(one.value, two.value));
        QVERIFY(same_bits(one.grad, two.grad));
    }

    void refusesWhatItCannotPool() {
        QVERIFY_THROWS_EXCEPTION(c10::Error, max_pool2_relu(torch::zeros({1, 1, 4, 4}, torch::kFloat64)));
        QVERIFY_THROWS_EXCEPTION(c10::Error, max_pool2_relu(torch::zeros({1, 1, 1, 4})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, max_pool2_relu(torch::zeros({4, 4})));
    }
};

MERGELAB_TEST_APPLESS(test_pool_relu, TestPoolRelu)
} // namespace test_pool_relu

#include "test_pool_relu.moc"
