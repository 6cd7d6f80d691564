// The ARM64 Advanced SIMD (NEON) vector vocabulary for sm_simd_body.h: 4 nonces per uint32x4_t.
//
// Rotations are a shift left and a shift right and insert (SHL + SRI: the SRI writes x >> n into
// the bits the shift left left empty), two instructions, where AVX2 needs three. Ch and Maj are
// one bit select each (BSL: where the mask bit is set, the first operand's bit, elsewhere the
// second's): Ch(e, f, g) selects f or g by e; Maj(a, b, c) is b where a and b agree and c where
// they differ, i.e. a select by a ^ b, which the body already has. Plain ARMv8.0 NEON: EOR3
// (three-way xor) needs FEAT_SHA3, which the Cortex-A76 of a Raspberry Pi 5 lacks.
//
// Included by scan_neon.c after <arm_neon.h>; SM_TARGET is left to the includer.
#ifndef SM_NEON_VOCABULARY_H
#define SM_NEON_VOCABULARY_H

static const uint32_t sm_neon_iota[4] = {0, 1, 2, 3};
static const uint32_t sm_neon_lane_bits[4] = {1, 2, 4, 8};

#define SM_LANES 4
#define SM_LANE_MASK uint32_t
#define V uint32x4_t
#define V_SET1(x) vdupq_n_u32((uint32_t)(x))
#define V_ADD(a, b) vaddq_u32(a, b)
#define V_SUB(a, b) vsubq_u32(a, b)
#define V_XOR(a, b) veorq_u32(a, b)
#define V_SHR(x, n) vshrq_n_u32(x, n)
#define V_ROR(x, n) vsriq_n_u32(vshlq_n_u32(x, 32 - (n)), x, n)
#define V_XOR3(a, b, c) veorq_u32(veorq_u32(a, b), c)
#define V_CH(e, f, g) vbslq_u32(e, f, g)
#define V_MAJ(a, b, c, ab, bc) vbslq_u32(ab, c, b)
#define V_BSWAP(x) vreinterpretq_u32_u8(vrev32q_u8(vreinterpretq_u8_u32(x)))
#define V_IOTA() vld1q_u32(sm_neon_iota)
// CMHS gives all-ones lanes where t >= x; one bit per lane, summed across the vector (ADDV).
#define V_LE_MASK(x, t) vaddvq_u32(vandq_u32(vcleq_u32(x, t), vld1q_u32(sm_neon_lane_bits)))
// "w" is AArch64's constraint for a SIMD & FP register (the body's default "v" is x86's).
#define V_PIN(x) __asm__ volatile("" : "+w"(x))

#endif
