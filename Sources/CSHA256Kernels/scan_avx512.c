// AVX-512 kernel: 16 nonces per __m512i, one stream per loop body. Uses AVX-512F only
// (vprord for rotations, vpternlogd for Ch / Maj / three-way xor, vpcmpud into a mask for the
// early reject; the byte swap is two rotations and a bit select, so no AVX-512BW); the feature
// check also requires VL, which the attribute allows. About 200 vector instructions per nonce
// (~3,270 per loop body of 16) against ~720 for AVX2. Not run on real hardware here (the
// development CPU has no AVX-512): checked by compiling it against a scalar emulation of the
// intrinsics it uses (same results as the reference on random headers) and by objdump (zmm).
#include "sm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SM_TARGET "avx512f,avx512vl"
#define SM_LANES 16
#define SM_LANE_MASK uint32_t
#define SM_SCAN_NAME sm_scan_avx512
#define V __m512i
#define V_SET1(x) _mm512_set1_epi32((int)(x))
#define V_ADD(a, b) _mm512_add_epi32(a, b)
#define V_XOR(a, b) _mm512_xor_si512(a, b)
#define V_SHR(x, n) _mm512_srli_epi32(x, n)
#define V_ROR(x, n) _mm512_ror_epi32(x, n)
#define V_XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define V_CH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xca)
#define V_MAJ(a, b, c, ab, bc) _mm512_ternarylogic_epi32(a, b, c, 0xe8)
// Byte swap without AVX-512BW: (ror 8 & 0xff00ff00) | (rol 8 & 0x00ff00ff), as a bit select.
#define V_BSWAP(x) \
    _mm512_ternarylogic_epi32(_mm512_set1_epi32((int)0xff00ff00), _mm512_ror_epi32(x, 8), _mm512_rol_epi32(x, 8), 0xca)
#define V_IOTA() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define V_LE_MASK(x, t) _mm512_cmple_epu32_mask(x, t)

#include "sm_simd_body.h"

#else

size_t sm_scan_avx512(const sm_work *work, uint32_t first_nonce, uint32_t count,
                      uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
