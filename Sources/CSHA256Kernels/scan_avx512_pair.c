// AVX-512 pair body: two independent 16-lane vectors (32 nonces) per loop body, for CPUs whose
// 512-bit instructions run as two 256-bit halves (AMD Zen 4; sm_scan_avx512 picks it there).
//
// Measured on AMD EPYC Zen 4 (a 2-core VM at 3.66 GHz, C harness, alternating, 1 thread, 32M
// nonces, best of 5): one vector per body 33.9 MH/s, 106-108 cycles per nonce; this body 35.7-36.1
// MH/s, 101-102 cycles. Why: on Zen 4 a zmm instruction takes two of the four 256-bit pipe slots
// of a cycle (2 zmm instructions per cycle, whatever the mix of vpaddd / vpternlogd / vprord, with
// at most one rotation or shift per cycle), and vprord has a 2-cycle latency. The rounds alone (the
// schedule replaced by constants) ran at 11.4 cycles per round for one vector, far above the 8
// that their 16 instructions need: one vector's dependency chains leave pipe slots empty, which a
// second, independent vector fills. The textbook round (one instruction fewer) and no V_PIN
// anchors measured best here (the anchors cost 2 %). Zen 5 (full-width units) measured the
// opposite with the older two-stream body (42-44 MH/s against 56), so other CPUs keep the single
// body.
#include "sm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SM_TARGET "avx512f,avx512vl"
#define SM_SCAN_NAME sm_scan_avx512_pair
#define SM_LANES 32
#define SM_LANE_MASK uint32_t
#define SM_RND_TEXTBOOK 1
#define V_PIN(x) ((void)0)

/// Two vectors that every operation treats alike: lanes 0..15 and 16..31.
typedef struct sm_v512x2 { __m512i lo, hi; } sm_v512x2;
#define V sm_v512x2
#define SM_PAIR_FN static inline __attribute__((always_inline, target(SM_TARGET)))
SM_PAIR_FN V sm_pair(__m512i lo, __m512i hi) { V r = {lo, hi}; return r; }
SM_PAIR_FN V sm_pair_add(V a, V b) { return sm_pair(_mm512_add_epi32(a.lo, b.lo), _mm512_add_epi32(a.hi, b.hi)); }
SM_PAIR_FN V sm_pair_xor(V a, V b) { return sm_pair(_mm512_xor_si512(a.lo, b.lo), _mm512_xor_si512(a.hi, b.hi)); }
// vpternlogd immediates as in sm_avx512_vocabulary.h: 0x96 xor3, 0xca Ch, 0xe8 Maj.
#define SM_PAIR_TERNARY(name, imm)                                                          \
    SM_PAIR_FN V name(V a, V b, V c) {                                                      \
        return sm_pair(_mm512_ternarylogic_epi32(a.lo, b.lo, c.lo, imm),                    \
                       _mm512_ternarylogic_epi32(a.hi, b.hi, c.hi, imm));                   \
    }
SM_PAIR_TERNARY(sm_pair_xor3, 0x96)
SM_PAIR_TERNARY(sm_pair_ch, 0xca)
SM_PAIR_TERNARY(sm_pair_maj, 0xe8)
SM_PAIR_FN __m512i sm_bswap512(__m512i x) {
    return _mm512_ternarylogic_epi32(_mm512_set1_epi32((int)0xff00ff00), _mm512_ror_epi32(x, 8), _mm512_rol_epi32(x, 8), 0xca);
}

#define V_SET1(x) sm_pair(_mm512_set1_epi32((int)(x)), _mm512_set1_epi32((int)(x)))
#define V_ADD(a, b) sm_pair_add(a, b)
#define V_SUB(a, b) sm_pair(_mm512_sub_epi32((a).lo, (b).lo), _mm512_sub_epi32((a).hi, (b).hi))
#define V_XOR(a, b) sm_pair_xor(a, b)
#define V_SHR(x, n) sm_pair(_mm512_srli_epi32((x).lo, n), _mm512_srli_epi32((x).hi, n))
#define V_ROR(x, n) sm_pair(_mm512_ror_epi32((x).lo, n), _mm512_ror_epi32((x).hi, n))
#define V_XOR3(a, b, c) sm_pair_xor3(a, b, c)
#define V_CH(e, f, g) sm_pair_ch(e, f, g)
#define V_MAJ(a, b, c, ab, bc) sm_pair_maj(a, b, c)
#define V_BSWAP(x) sm_pair(sm_bswap512((x).lo), sm_bswap512((x).hi))
#define V_IOTA() sm_pair(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), \
                         _mm512_setr_epi32(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31))
#define V_LE_MASK(x, t) \
    ((uint32_t)_mm512_cmple_epu32_mask((x).lo, (t).lo) | ((uint32_t)_mm512_cmple_epu32_mask((x).hi, (t).hi) << 16))

#include "sm_simd_body.h"

#else

size_t sm_scan_avx512_pair(const sm_work *work, uint32_t first_nonce, uint32_t count,
                           uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
