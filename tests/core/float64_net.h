#pragma once
// MergeLab's two networks written out as plain loops in double, forward and
// backward, from their definitions (model.h): the independent reference the
// statistics tests compare the core's torch code with. Slow and simple on
// purpose: a few images only.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "mergelab/dataset.h"
#include "mergelab/weights.h"

namespace float64_net {

using Vec = std::vector<double>;

struct Net {
    bool cnn = false;
    Vec conv1_w, conv1_b, conv2_w, conv2_b, fc1_w, fc1_b, fc2_w, fc2_b;
    int in1 = 784; // fc1's input size
};

inline Vec take(const mergelab::WeightSet& w, const std::string& name) {
    const auto* t = mergelab::find_tensor(w, name);
    return Vec(t->values.begin(), t->values.end());
}

inline Net load(const mergelab::WeightSet& w) {
    Net n;
    n.cnn = mergelab::find_tensor(w, "conv1.weight") != nullptr;
    if (n.cnn) {
        n.conv1_w = take(w, "conv1.weight"), n.conv1_b = take(w, "conv1.bias");
        n.conv2_w = take(w, "conv2.weight"), n.conv2_b = take(w, "conv2.bias");
        n.in1 = 64 * 5 * 5;
    }
    n.fc1_w = take(w, "fc1.weight"), n.fc1_b = take(w, "fc1.bias");
    n.fc2_w = take(w, "fc2.weight"), n.fc2_b = take(w, "fc2.bias");
    return n;
}

// Everything the backward pass reads.
struct Pass {
    Vec x;                 // 28 x 28, pixel / 255
    Vec c1, p1, a1;        // conv1 32x26x26, max-pooled 32x13x13, after ReLU
    std::vector<int> arg1; // which conv1 element each pooled one came from
    Vec c2, p2, a2;        // conv2 64x11x11, pooled 64x5x5, after ReLU
    std::vector<int> arg2;
    Vec in1;    // fc1's input
    Vec h, a;   // fc1's output before and after ReLU (the penultimate features)
    Vec logits; // 10
};

// out[o][y][x] = b[o] + sum_{i,ky,kx} w[o][i][ky][kx] in[i][y+ky][x+kx]
inline Vec conv3(const Vec& in, int channels, int side, const Vec& w, const Vec& b, int outs) {
    const int os = side - 2;
    Vec out(size_t(outs * os * os));
    for (int o = 0; o < outs; ++o)
        for (int y = 0; y < os; ++y)
            for (int x = 0; x < os; ++x) {
                double s = b[size_t(o)];
                for (int i = 0; i < channels; ++i)
                    for (int ky = 0; ky < 3; ++ky)
                        for (int kx = 0; kx < 3; ++kx)
                            s += w[size_t(((o * channels + i) * 3 + ky) * 3 + kx)] *
                                 in[size_t((i * side + y + ky) * side + x + kx)];
                out[size_t((o * os + y) * os + x)] = s;
            }
    return out;
}

// 2x2 max-pooling, stride 2, the odd last row and column dropped; the
// first maximum in row-major order wins.
inline void pool2(const Vec& in, int channels, int side, Vec& out, std::vector<int>& arg) {
    const int os = side / 2;
    out.assign(size_t(channels * os * os), 0), arg.assign(out.size(), 0);
    for (int c = 0; c < channels; ++c)
        for (int y = 0; y < os; ++y)
            for (int x = 0; x < os; ++x) {
                int best = (c * side + 2 * y) * side + 2 * x;
                for (int dy = 0; dy < 2; ++dy)
                    for (int dx = 0; dx < 2; ++dx) {
                        const int k = (c * side + 2 * y + dy) * side + 2 * x + dx;
                        if (in[size_t(k)] > in[size_t(best)])
                            best = k;
                    }
                out[size_t((c * os + y) * os + x)] = in[size_t(best)];
                arg[size_t((c * os + y) * os + x)] = best;
            }
}

inline Vec relu(const Vec& v) {
    Vec r(v.size());
    for (size_t i = 0; i < v.size(); ++i)
        r[i] = std::max(0.0, v[i]);
    return r;
}

// out[j] = b[j] + sum_i w[j][i] in[i]
inline Vec linear(const Vec& in, const Vec& w, const Vec& b) {
    Vec out(b.size());
    for (size_t j = 0; j < b.size(); ++j) {
        double s = b[j];
        for (size_t i = 0; i < in.size(); ++i)
            s += w[j * in.size() + i] * in[i];
        out[j] = s;
    }
    return out;
}

inline Pass forward(const Net& n, const mergelab::Dataset& data, int64_t image) {
    Pass p;
    p.x.resize(784);
    for (int i = 0; i < 784; ++i)
        p.x[size_t(i)] = data.pixels[size_t(image * 784 + i)] / 255.0;
    if (n.cnn) {
        p.c1 = conv3(p.x, 1, 28, n.conv1_w, n.conv1_b, 32);
        pool2(p.c1, 32, 26, p.p1, p.arg1);
        p.a1 = relu(p.p1);
        p.c2 = conv3(p.a1, 32, 13, n.conv2_w, n.conv2_b, 64);
        pool2(p.c2, 64, 11, p.p2, p.arg2);
        p.a2 = relu(p.p2);
        p.in1 = p.a2;
    } else {
        p.in1 = p.x;
    }
    p.h = linear(p.in1, n.fc1_w, n.fc1_b);
    p.a = relu(p.h);
    p.logits = linear(p.a, n.fc2_w, n.fc2_b);
    return p;
}

// d log softmax(logits)[label] / d parameter, in the networks' tensor order
// (conv1.weight, conv1.bias, conv2.weight, conv2.bias, fc1.weight, ...).
inline std::vector<Vec> log_likelihood_gradient(const Net& n, const Pass& p, int label) {
    double top = *std::max_element(p.logits.begin(), p.logits.end()), z = 0;
    for (double l : p.logits)
        z += std::exp(l - top);
    Vec dl(10);
    for (int k = 0; k < 10; ++k)
        dl[size_t(k)] = (k == label ? 1.0 : 0.0) - std::exp(p.logits[size_t(k)] - top) / z;
    const size_t hid = p.a.size(), in = p.in1.size();
    Vec g_fc2w(10 * hid), g_fc2b = dl, da(hid, 0);
    for (size_t k = 0; k < 10; ++k)
        for (size_t j = 0; j < hid; ++j) {
            g_fc2w[k * hid + j] = dl[k] * p.a[j];
            da[j] += n.fc2_w[k * hid + j] * dl[k];
        }
    Vec dh(hid);
    for (size_t j = 0; j < hid; ++j)
        dh[j] = p.h[j] > 0 ? da[j] : 0;
    Vec g_fc1w(hid * in), g_fc1b = dh, din(in, 0);
    for (size_t j = 0; j < hid; ++j)
        for (size_t i = 0; i < in; ++i) {
            g_fc1w[j * in + i] = dh[j] * p.in1[i];
            din[i] += n.fc1_w[j * in + i] * dh[j];
        }
    if (!n.cnn)
        return {g_fc1w, g_fc1b, g_fc2w, g_fc2b};
    // conv2: unpool through ReLU to the winning element, then correlate.
    Vec dc2(p.c2.size(), 0);
    for (size_t k = 0; k < p.p2.size(); ++k)
        if (p.p2[k] > 0)
            dc2[size_t(p.arg2[k])] += din[k];
    Vec g_c2w(n.conv2_w.size(), 0), g_c2b(64, 0), da1(p.a1.size(), 0);
    for (int o = 0; o < 64; ++o)
        for (int y = 0; y < 11; ++y)
            for (int x = 0; x < 11; ++x) {
                const double d = dc2[size_t((o * 11 + y) * 11 + x)];
                g_c2b[size_t(o)] += d;
                for (int i = 0; i < 32; ++i)
                    for (int ky = 0; ky < 3; ++ky)
                        for (int kx = 0; kx < 3; ++kx) {
                            const size_t wi = size_t(((o * 32 + i) * 3 + ky) * 3 + kx);
                            const size_t ai = size_t((i * 13 + y + ky) * 13 + x + kx);
                            g_c2w[wi] += d * p.a1[ai];
                            da1[ai] += n.conv2_w[wi] * d;
                        }
            }
    Vec dc1(p.c1.size(), 0);
    for (size_t k = 0; k < p.p1.size(); ++k)
        if (p.p1[k] > 0)
            dc1[size_t(p.arg1[k])] += da1[k];
    Vec g_c1w(n.conv1_w.size(), 0), g_c1b(32, 0);
    for (int o = 0; o < 32; ++o)
        for (int y = 0; y < 26; ++y)
            for (int x = 0; x < 26; ++x) {
                const double d = dc1[size_t((o * 26 + y) * 26 + x)];
                g_c1b[size_t(o)] += d;
                for (int ky = 0; ky < 3; ++ky)
                    for (int kx = 0; kx < 3; ++kx)
                        g_c1w[size_t((o * 3 + ky) * 3 + kx)] += d * p.x[size_t((y + ky) * 28 + x + kx)];
            }
    return {g_c1w, g_c1b, g_c2w, g_c2b, g_fc1w, g_fc1b, g_fc2w, g_fc2b};
}

} // namespace float64_net
