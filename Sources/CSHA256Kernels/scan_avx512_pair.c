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
#define SM_RND_TEXTBOOK 1
#define V_PIN(x) ((void)0)

// The one-vector operations come from the single body's vocabulary (its vpternlogd immediates,
// byte swap and compare), captured as functions before V_* are redefined for pairs below.
#include "sm_avx512_vocabulary.h"
#define SM_PAIR_FN static inline __attribute__((always_inline, target(SM_TARGET)))
SM_PAIR_FN __m512i sm_one_add(__m512i a, __m512i b) { return V_ADD(a, b); }
SM_PAIR_FN __m512i sm_one_xor(__m512i a, __m512i b) { return V_XOR(a, b); }
SM_PAIR_FN __m512i sm_one_xor3(__m512i a, __m512i b, __m512i c) { return V_XOR3(a, b, c); }
SM_PAIR_FN __m512i sm_one_ch(__m512i e, __m512i f, __m512i g) { return V_CH(e, f, g); }
SM_PAIR_FN __m512i sm_one_maj(__m512i a, __m512i b, __m512i c) { return V_MAJ(a, b, c, a, a); }  // vpternlogd ignores the xor helpers
SM_PAIR_FN __m512i sm_one_bswap(__m512i x) { return V_BSWAP(x); }
SM_PAIR_FN __m512i sm_one_set1(uint32_t x) { return V_SET1(x); }
SM_PAIR_FN uint32_t sm_one_le_mask(__m512i x, __m512i t) { return (uint32_t)V_LE_MASK(x, t); }
SM_PAIR_FN __m512i sm_one_iota(void) { return V_IOTA(); }
// Rotations and shifts stay macros (their count must be a constant expression): the vocabulary's
// V_ROR and V_SHR are these two intrinsics.
#define SM_ONE_ROR(x, n) _mm512_ror_epi32(x, n)
#define SM_ONE_SHR(x, n) _mm512_srli_epi32(x, n)
#undef SM_LANES
#undef V
#undef V_SET1
#undef V_ADD
#undef V_SUB
#undef V_XOR
#undef V_SHR
#undef V_ROR
#undef V_XOR3
#undef V_CH
#undef V_MAJ
#undef V_BSWAP
#undef V_IOTA
#undef V_LE_MASK

/// Two vectors that every operation treats alike: lanes 0..15 and 16..31.
typedef struct sm_v512x2 { __m512i lo, hi; } sm_v512x2;
#define V sm_v512x2
#define SM_LANES 32
SM_PAIR_FN V sm_pair(__m512i lo, __m512i hi) { V r = {lo, hi}; return r; }
#define SM_PAIR2(one, a, b) sm_pair(one((a).lo, (b).lo), one((a).hi, (b).hi))
#define SM_PAIR3(one, a, b, c) sm_pair(one((a).lo, (b).lo, (c).lo), one((a).hi, (b).hi, (c).hi))

#define V_SET1(x) sm_pair(sm_one_set1((uint32_t)(x)), sm_one_set1((uint32_t)(x)))
#define V_ADD(a, b) SM_PAIR2(sm_one_add, a, b)
// No V_SUB: only the default round form (not SM_RND_TEXTBOOK) uses it.
#define V_XOR(a, b) SM_PAIR2(sm_one_xor, a, b)
#define V_SHR(x, n) sm_pair(SM_ONE_SHR((x).lo, n), SM_ONE_SHR((x).hi, n))
#define V_ROR(x, n) sm_pair(SM_ONE_ROR((x).lo, n), SM_ONE_ROR((x).hi, n))
#define V_XOR3(a, b, c) SM_PAIR3(sm_one_xor3, a, b, c)
#define V_CH(e, f, g) SM_PAIR3(sm_one_ch, e, f, g)
#define V_MAJ(a, b, c, ab, bc) SM_PAIR3(sm_one_maj, a, b, c)
#define V_BSWAP(x) sm_pair(sm_one_bswap((x).lo), sm_one_bswap((x).hi))
#define V_IOTA() sm_pair(sm_one_iota(), sm_one_add(sm_one_iota(), sm_one_set1(16)))
#define V_LE_MASK(x, t) (sm_one_le_mask((x).lo, (t).lo) | sm_one_le_mask((x).hi, (t).hi) << 16)

#include "sm_simd_body.h"

#else

size_t sm_scan_avx512_pair(const sm_work *work, uint32_t first_nonce, uint32_t count,
                           uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
