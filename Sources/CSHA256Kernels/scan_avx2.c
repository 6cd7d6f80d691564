// AVX2 kernel: 8 nonces per __m256i, one stream per loop body.
//
// AVX2 has no rotate and no three-input logic, so a round costs about 36 instructions (each
// Sigma is six shifts and five or/xor) and a nonce about 790 vector instructions in all (objdump:
// 6,307 ymm instructions per loop body of 8, 2,196 of them shifts). Measured, 1 thread
// (`swiftminer bench`, median of 3): 16.8 MH/s on AMD EPYC Zen 5 (14.1 before the round and the
// schedule were rearranged, see sm_simd_body.h), 11-13 MH/s on a shared Zen 3 at ~2.9 GHz. On
// Zen 5, xor instead of or in the rotations, Ch as and/andnot, the shorter t1 + t2 round form and
// two 8-lane streams per loop body (16 ymm registers: spills) all measured within 2% or slower.
#include "sm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SM_TARGET "avx2"
#define SM_LANES 8
#define SM_LANE_MASK uint32_t
#define SM_SCAN_NAME sm_scan_avx2
#define V __m256i
#define V_SET1(x) _mm256_set1_epi32((int)(x))
#define V_ADD(a, b) _mm256_add_epi32(a, b)
#define V_SUB(a, b) _mm256_sub_epi32(a, b)
#define V_XOR(a, b) _mm256_xor_si256(a, b)
#define V_AND(a, b) _mm256_and_si256(a, b)
#define V_SHR(x, n) _mm256_srli_epi32(x, n)
#define V_ROR(x, n) _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - (n)))
#define V_XOR3(a, b, c) V_XOR(V_XOR(a, b), c)
#define V_CH(e, f, g) V_XOR(V_AND(V_XOR(f, g), e), g)
#define V_MAJ(a, b, c, ab, bc) V_XOR(b, V_AND(ab, bc))
#define V_BSWAP(x)                                                                              \
    _mm256_shuffle_epi8(x, _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, \
                                            3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12))
#define V_IOTA() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define V_LE_MASK(x, t) \
    _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_max_epu32(x, t), t)))

#include "sm_simd_body.h"

#else

size_t sm_scan_avx2(const sm_work *work, uint32_t first_nonce, uint32_t count,
                    uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
