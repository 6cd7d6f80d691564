// Plain-C definitions of the AVX-512F intrinsics that sm_avx512_vocabulary.h uses, with the
// semantics of Intel's Intrinsics Guide (lane i of the result from lane i of the operands;
// vpternlogd: result bit = bit (a << 2 | b << 1 | c) of the immediate; vpcmpud with
// _MM_CMPINT_LE: mask bit i = a[i] <= b[i], unsigned). Then the kernel's vocabulary and body,
// exactly as scan_avx512.c includes them, minus the target attribute and the V_PIN
// scheduling anchor.
#include "CAVX512Emulation.h"
#include "../../Sources/CSHA256Kernels/sm_internal.h"

typedef struct { uint32_t lane[16]; } sm_emu_v16;
typedef sm_emu_v16 __m512i;

#define SM_EMU_MAP(expr)                                   \
    do {                                                   \
        for (int i = 0; i < 16; i++) r.lane[i] = (expr);   \
    } while (0)

static inline __m512i _mm512_set1_epi32(int x) {
    __m512i r;
    SM_EMU_MAP((uint32_t)x);
    return r;
}

static inline __m512i _mm512_setr_epi32(int e0, int e1, int e2, int e3, int e4, int e5, int e6, int e7,
                                        int e8, int e9, int e10, int e11, int e12, int e13, int e14, int e15) {
    const int e[16] = {e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, e14, e15};
    __m512i r;
    SM_EMU_MAP((uint32_t)e[i]);
    return r;
}

static inline __m512i _mm512_add_epi32(__m512i a, __m512i b) {
    __m512i r;
    SM_EMU_MAP(a.lane[i] + b.lane[i]);
    return r;
}

static inline __m512i _mm512_sub_epi32(__m512i a, __m512i b) {
    __m512i r;
    SM_EMU_MAP(a.lane[i] - b.lane[i]);
    return r;
}

static inline __m512i _mm512_xor_si512(__m512i a, __m512i b) {
    __m512i r;
    SM_EMU_MAP(a.lane[i] ^ b.lane[i]);
    return r;
}

// Shift and rotate counts are immediates in the real intrinsics; the vocabulary only uses 1..31.
static inline __m512i _mm512_srli_epi32(__m512i a, unsigned n) {
    __m512i r;
    SM_EMU_MAP(a.lane[i] >> n);
    return r;
}

static inline __m512i _mm512_ror_epi32(__m512i a, unsigned n) {
    __m512i r;
    SM_EMU_MAP((a.lane[i] >> n) | (a.lane[i] << (32 - n)));
    return r;
}

static inline __m512i _mm512_rol_epi32(__m512i a, unsigned n) {
    __m512i r;
    SM_EMU_MAP((a.lane[i] << n) | (a.lane[i] >> (32 - n)));
    return r;
}

uint32_t sm_emu_ternarylogic(uint32_t a, uint32_t b, uint32_t c, unsigned imm) {
    uint32_t r = 0;
    for (unsigned index = 0; index < 8; index++) {
        if (!((imm >> index) & 1)) continue;
        r |= ((index & 4) ? a : ~a) & ((index & 2) ? b : ~b) & ((index & 1) ? c : ~c);
    }
    return r;
}

static inline __m512i _mm512_ternarylogic_epi32(__m512i a, __m512i b, __m512i c, unsigned imm) {
    __m512i r;
    SM_EMU_MAP(sm_emu_ternarylogic(a.lane[i], b.lane[i], c.lane[i], imm));
    return r;
}

static inline uint16_t _mm512_cmple_epu32_mask(__m512i a, __m512i b) {
    uint16_t mask = 0;
    for (int i = 0; i < 16; i++) mask |= (uint16_t)((a.lane[i] <= b.lane[i]) << i);
    return mask;
}

#define SM_SCAN_NAME sm_emu_scan_avx512
#define V_PIN(x) ((void)0)  // a register-allocation hint only; nothing to pin in plain C
#include "../../Sources/CSHA256Kernels/sm_avx512_vocabulary.h"
#include "../../Sources/CSHA256Kernels/sm_simd_body.h"
