#include "pool_relu.h"

#include <cstring>

#include <ATen/Parallel.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mergelab {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Which input of a 2 x 2 window won: 0 1 / 2 3 in row-major order, or
// kClipped when the ReLU zeroed the output (its gradient is zero).
constexpr uint8_t kClipped = 4;

// Planes per parallel task: a 26 x 26 plane is under 3 KB, so a few dozen
// make a task worth waking a thread for.
constexpr int64_t kGrain = 32;

// One output, as max_pool2d's scan: a later value wins if it is greater or
// NaN. ReLU passes what is not <= 0, so NaN passes with its gradient, as
// torch's relu and threshold_backward do.
inline void pool_one(float a, float b, float c, float d, float& out, uint8_t& winner) {
    float best = a;
    uint8_t k = 0;
    const float rest[3] = {b, c, d};
    for (uint8_t q = 0; q < 3; ++q)
        if (rest[q] > best || rest[q] != rest[q]) {
            best = rest[q];
            k = q + 1;
        }
    const bool pass = !(best <= 0);
    out = pass ? best : 0.0f;
    winner = pass ? k : kClipped;
}

#if defined(__SSE2__)
// Four outputs at once, the same rule as pool_one without branches (random
// data mispredicts the scalar version's every other comparison).
inline void pool_four(const float* r0, const float* r1, float* out, uint8_t* winner) {
    const __m128 r0lo = _mm_loadu_ps(r0), r0hi = _mm_loadu_ps(r0 + 4);
    const __m128 r1lo = _mm_loadu_ps(r1), r1hi = _mm_loadu_ps(r1 + 4);
    const __m128 in[4] = {_mm_shuffle_ps(r0lo, r0hi, _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm_shuffle_ps(r0lo, r0hi, _MM_SHUFFLE(3, 1, 3, 1)),
                          _mm_shuffle_ps(r1lo, r1hi, _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm_shuffle_ps(r1lo, r1hi, _MM_SHUFFLE(3, 1, 3, 1))};
    __m128 best = in[0];
    __m128i k = _mm_setzero_si128();
    for (int q = 1; q < 4; ++q) {
        const __m128 take = _mm_or_ps(_mm_cmpgt_ps(in[q], best), _mm_cmpunord_ps(in[q], in[q]));
        best = _mm_or_ps(_mm_and_ps(take, in[q]), _mm_andnot_ps(take, best));
        k = _mm_or_si128(_mm_and_si128(_mm_castps_si128(take), _mm_set1_epi32(q)),
                         _mm_andnot_si128(_mm_castps_si128(take), k));
    }
    const __m128 pass = _mm_cmpnle_ps(best, _mm_setzero_ps());
    _mm_storeu_ps(out, _mm_and_ps(pass, best));
    const __m128i passi = _mm_castps_si128(pass);
    k = _mm_or_si128(_mm_and_si128(passi, k), _mm_andnot_si128(passi, _mm_set1_epi32(kClipped)));
    const __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(k, k), _mm_setzero_si128());
    const int32_t packed = _mm_cvtsi128_si32(bytes);
    std::memcpy(winner, &packed, 4);
}

// The gradients of four outputs into their 2 x 4 input block.
inline void unpool_four(const float* grad, const uint8_t* winner, float* r0, float* r1) {
    int32_t packed;
    std::memcpy(&packed, winner, 4);
    const __m128i zero = _mm_setzero_si128();
    const __m128i k = _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(packed), zero), zero);
    const __m128 g = _mm_loadu_ps(grad);
    __m128 at[4];
    for (int q = 0; q < 4; ++q)
        at[q] = _mm_and_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(k, _mm_set1_epi32(q))), g);
    _mm_storeu_ps(r0, _mm_unpacklo_ps(at[0], at[1]));
    _mm_storeu_ps(r0 + 4, _mm_unpackhi_ps(at[0], at[1]));
    _mm_storeu_ps(r1, _mm_unpacklo_ps(at[2], at[3]));
    _mm_storeu_ps(r1 + 4, _mm_unpackhi_ps(at[2], at[3]));
}
constexpr int64_t kStep = 4;
#else
constexpr int64_t kStep = 0; // scalar only
#endif

void forward_plane(const float* in, int64_t h, int64_t w, float* out, uint8_t* winner) {
    const int64_t oh = h / 2, ow = w / 2;
    for (int64_t i = 0; i < oh; ++i) {
        const float* r0 = in + 2 * i * w;
        const float* r1 = r0 + w;
        float* o = out + i * ow;
        uint8_t* win = winner + i * ow;
        int64_t j = 0;
#if defined(__SSE2__)
        for (; j + kStep <= ow; j += kStep)
            pool_four(r0 + 2 * j, r1 + 2 * j, o + j, win + j);
#endif
        for (; j < ow; ++j)
            pool_one(r0[2 * j], r0[2 * j + 1], r1[2 * j], r1[2 * j + 1], o[j], win[j]);
    }
}

void backward_plane(const float* grad, const uint8_t* winner, int64_t h, int64_t w, float* out) {
    const int64_t oh = h / 2, ow = w / 2;
    for (int64_t i = 0; i < oh; ++i) {
        float* r0 = out + 2 * i * w;
        float* r1 = r0 + w;
        const float* g = grad + i * ow;
        const uint8_t* win = winner + i * ow;
        int64_t j = 0;
#if defined(__SSE2__)
        for (; j + kStep <= ow; j += kStep)
            unpool_four(g + j, win + j, r0 + 2 * j, r1 + 2 * j);
#endif
        for (; j < ow; ++j) {
            r0[2 * j] = win[j] == 0 ? g[j] : 0.0f;
            r0[2 * j + 1] = win[j] == 1 ? g[j] : 0.0f;
            r1[2 * j] = win[j] == 2 ? g[j] : 0.0f;
            r1[2 * j + 1] = win[j] == 3 ? g[j] : 0.0f;
        }
        // Inputs no window covers (an odd last column) get no gradient.
        if (w % 2)
            r0[w - 1] = r1[w - 1] = 0.0f;
    }
    if (h % 2)
        std::memset(out + (h - 1) * w, 0, sizeof(float) * w);
}

struct MaxPool2Relu : torch::autograd::Function<MaxPool2Relu> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& input) {
        TORCH_CHECK(input.dim() == 4 && input.scalar_type() == torch::kFloat32 && input.size(2) >= 2 &&
                        input.size(3) >= 2,
                    "max_pool2_relu needs a float32 N x C x H x W tensor with H, W >= 2");
        const auto x = input.contiguous();
        const int64_t h = x.size(2), w = x.size(3);
        auto out = torch::empty({x.size(0), x.size(1), h / 2, w / 2}, x.options());
        auto winner = torch::empty(out.sizes(), x.options().dtype(torch::kUInt8));
        const float* in = x.data_ptr<float>();
        float* o = out.data_ptr<float>();
        uint8_t* win = winner.data_ptr<uint8_t>();
        const int64_t plane_out = out.size(2) * out.size(3);
        at::parallel_for(0, x.size(0) * x.size(1), kGrain, [&](int64_t begin, int64_t end) {
            for (int64_t p = begin; p < end; ++p)
                forward_plane(in + p * h * w, h, w, o + p * plane_out, win + p * plane_out);
        });
        ctx->save_for_backward({winner});
        ctx->saved_data["h"] = h;
        ctx->saved_data["w"] = w;
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto winner = ctx->get_saved_variables()[0];
        const int64_t h = ctx->saved_data["h"].toInt(), w = ctx->saved_data["w"].toInt();
        const auto g = grads[0].contiguous();
        auto grad_in = torch::empty({winner.size(0), winner.size(1), h, w}, g.options());
        const float* go = g.data_ptr<float>();
        const uint8_t* win = winner.data_ptr<uint8_t>();
        float* gi = grad_in.data_ptr<float>();
        const int64_t plane_out = winner.size(2) * winner.size(3);
        at::parallel_for(0, winner.size(0) * winner.size(1), kGrain, [&](int64_t begin, int64_t end) {
            for (int64_t p = begin; p < end; ++p)
                backward_plane(go + p * plane_out, win + p * plane_out, h, w, gi + p * h * w);
        });
        return {grad_in};
    }
};

} // namespace

torch::Tensor max_pool2_relu(const torch::Tensor& x) {
    return MaxPool2Relu::apply(x);
}

} // namespace mergelab
