// The AVX-512 vector vocabulary for sm_simd_body.h: 16 nonces per __m512i, AVX-512F only
// (vprord for rotations, vpternlogd for Ch / Maj / three-way xor, vpcmpud into a mask for the
// early reject; the byte swap is two rotations and a bit select, so no AVX-512BW).
//
// Included by scan_avx512.c after <immintrin.h>, and by the test-only CAVX512Emulation target
// after its scalar definitions of the same intrinsics, so that the one definition of the kernel
// is checked against the reference even on CPUs without AVX-512. SM_TARGET (the target
// attribute) is left to the includer.
#ifndef SM_AVX512_VOCABULARY_H
#define SM_AVX512_VOCABULARY_H

#define SM_LANES 16
#define SM_LANE_MASK uint32_t
#define V __m512i
#define V_SET1(x) _mm512_set1_epi32((int)(x))
#define V_ADD(a, b) _mm512_add_epi32(a, b)
#define V_SUB(a, b) _mm512_sub_epi32(a, b)
#define V_XOR(a, b) _mm512_xor_si512(a, b)
#define V_SHR(x, n) _mm512_srli_epi32(x, n)
#define V_ROR(x, n) _mm512_ror_epi32(x, n)
// vpternlogd immediates: bit (a << 2 | b << 1 | c) of the immediate is the result for those
// input bits. 0x96 = a ^ b ^ c; 0xca = a ? b : c (Ch); 0xe8 = majority (Maj).
#define V_XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define V_CH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xca)
#define V_MAJ(a, b, c, ab, bc) _mm512_ternarylogic_epi32(a, b, c, 0xe8)
// Byte swap without AVX-512BW: (ror 8 & 0xff00ff00) | (rol 8 & 0x00ff00ff), as a bit select.
#define V_BSWAP(x) \
    _mm512_ternarylogic_epi32(_mm512_set1_epi32((int)0xff00ff00), _mm512_ror_epi32(x, 8), _mm512_rol_epi32(x, 8), 0xca)
#define V_IOTA() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define V_LE_MASK(x, t) _mm512_cmple_epu32_mask(x, t)

#endif
