// ARMv8 SHA-256 instructions kernel (FEAT_SHA256: SHA256H / SHA256H2 / SHA256SU0 / SHA256SU1):
// each nonce is one SHA-256 computation in two 128-bit registers, ABCD and EFGH (lane 0 = A and
// E: the natural order, unlike SHA-NI's ABEF / CDGH), with SM_ARMSHA2_WAYS nonces interleaved so
// that the latency of the hash instructions is hidden.
//
// SHA256H and SHA256H2 each run four rounds: SHA256H returns the new ABCD, SHA256H2 the new EFGH,
// both from the old ABCD and EFGH and the four words K + W (Arm ARM, SHA256H / SHA256H2
// pseudocode, SHA256hash()). SHA256SU0 and SHA256SU1 together compute the next four schedule
// words from the previous sixteen (SU0: W[t] + s0(W[t + 1]); SU1 adds W[t + 9] and s1 of W[t + 14],
// which for the upper two lanes are the words SU1 has just computed).
//
// Per nonce: block 2 runs rounds 4..63 (15 SHA256H + SHA256H2 pairs; rounds 0..3 are
// precomputed with W3 = 0, and W3 enters the state after round 3 only through A and E, linearly);
// the second hash runs rounds 0..59 and then only SHA256H2 for rounds 60..63, whose H is E after
// round 60 = final digest word 7 minus IV[7]: the early reject. 61 hash instructions and 46
// schedule instructions per nonce (two of block 2's SU0s read only constants and are per call).
//
// Not measured on ARM hardware: checked under qemu-aarch64 only (scripts/check-arm64-kernels.sh,
// which also prints these counts). llvm-objdump: 776 instructions per loop body of 4 nonces, 194
// per nonce: 61 SHA256H / SHA256H2, 45 SHA256SU0 / SHA256SU1, 32 K + W additions, 40 register
// copies (SHA256H overwrites the ABCD that SHA256H2 still needs), the rest loads and scalar code.
// Estimate for a Cortex-A76 (Raspberry Pi 5, 2.4 GHz): if the SHA-256 instructions issue on one
// vector pipe only, one per cycle and SHA256SU1 as two, ~130 cycles per nonce, 18 MH/s per core;
// if on both pipes, ~90 cycles (all 178 vector instructions over two pipes), 27 MH/s. Latency
// does not limit it: a nonce's 31 dependent SHA256H / SHA256H2 steps at 4 cycles each take ~124
// cycles, shared by the 4 interleaved nonces. So roughly 18-27 MH/s per core, to be measured.
//
// This file keeps the ISA-specific part: the per-call constants as vectors and the hashing of
// 1..SM_ARMSHA2_WAYS nonces (sm_armsha2_lanes). The scan loop around it (groups of nonces, the
// early reject, verification and the found buffer) is shared with scan_shani.c: sm_scan_loop.h.
#include "sm_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

// Nonces hashed side by side. Not measured on ARM hardware: 4 keeps two SHA-256 states per nonce
// (8 registers in all) and each nonce's last four schedule groups (16) in the 32 vector
// registers without spills (see the disassembly: no stack stores in the loop), and it is enough
// to cover a hash-instruction latency of up to about 8 cycles (a SHA256H / SHA256H2 pair every
// 4 rounds per nonce). Override with -DSM_ARMSHA2_WAYS=n to compare on a real machine.
#ifndef SM_ARMSHA2_WAYS
#define SM_ARMSHA2_WAYS 4
#endif

#define SM_TARGET "sha2"
#define SHA2_FN static inline __attribute__((always_inline, target(SM_TARGET)))
#define FOR_LANES(j) _Pragma("clang loop unroll(full)") for (int j = 0; j < n; j++)

/// Everything the per-nonce code needs, as vectors, computed once per call.
typedef struct sm_armsha2_consts {
    uint32x4_t abcd3, efgh3;     // block-2 state after rounds 0..3 with W3 = 0
    uint32x4_t w0;               // W0..W3 with W3 = 0
    uint32x4_t w4, w12;          // W4..W7 and W12..W15 (W8..W11 are zero)
    uint32x4_t su0_5, su0_6;     // SU0 parts of the groups W20.. and W24.. (nonce-independent)
    uint32x4_t kw4, kw8, kw12;   // K + W for rounds 4..15
    uint32x4_t mid_abcd, mid_efgh; // the midstate, for the feed-forward
    uint32x4_t iv_abcd, iv_efgh; // the initial state of the second hash
    uint32x4_t h2w2, h2w3;       // W8..W11 and W12..W15 of the second hash
    uint32x4_t h2kw2, h2kw3;     // K + W for rounds 8..15 of the second hash
} sm_armsha2_consts;

SHA2_FN uint32x4_t sm_v4(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
    const uint32_t words[4] = {w0, w1, w2, w3};
    return vld1q_u32(words);
}

/// K[4i..4i+3].
SHA2_FN uint32x4_t sm_k4(int i) { return vld1q_u32(&sm_k[4 * i]); }

SHA2_FN void sm_armsha2_consts_init(const sm_pre *p, const sm_work *work, sm_armsha2_consts *c) {
    c->abcd3 = vld1q_u32(&p->state3[0]);
    c->efgh3 = vld1q_u32(&p->state3[4]);
    c->w0 = sm_v4(work->tail[0], work->tail[1], work->tail[2], 0);
    c->w4 = sm_v4(0x80000000u, 0, 0, 0);
    c->w12 = sm_v4(0, 0, 0, 640);
    c->su0_5 = vsha256su0q_u32(c->w4, vdupq_n_u32(0));
    c->su0_6 = vsha256su0q_u32(vdupq_n_u32(0), c->w12);
    c->kw4 = vld1q_u32(&p->kw[4]);
    c->kw8 = vld1q_u32(&p->kw[8]);
    c->kw12 = vld1q_u32(&p->kw[12]);
    c->mid_abcd = vld1q_u32(&p->midstate[0]);
    c->mid_efgh = vld1q_u32(&p->midstate[4]);
    c->iv_abcd = vld1q_u32(&sm_iv[0]);
    c->iv_efgh = vld1q_u32(&sm_iv[4]);
    c->h2w2 = sm_v4(0x80000000u, 0, 0, 0);
    c->h2w3 = sm_v4(0, 0, 0, 256);
    c->h2kw2 = vaddq_u32(c->h2w2, sm_k4(2));
    c->h2kw3 = vaddq_u32(c->h2w3, sm_k4(3));
}

// Four rounds with K + W in wk: ABCD and EFGH before and after. The empty asm statement at the
// end is a scheduling anchor: volatile asm statements keep their order, so each nonce's four
// rounds stay between its neighbours' (without it clang computes the nonces one after the other,
// a chain of 31 dependent instruction pairs each, and leaves the overlapping to the CPU's
// reorder window, which holds less than one nonce's chain).
#define QROUND(abcd, efgh, wk)                          \
    do {                                                \
        const uint32x4_t wk_ = (wk), abcd_ = (abcd);    \
        abcd = vsha256hq_u32(abcd_, efgh, wk_);         \
        efgh = vsha256h2q_u32(efgh, abcd_, wk_);        \
        __asm__ volatile("" : "+w"(abcd), "+w"(efgh));  \
    } while (0)

// The next schedule group W[4i..4i+3] from the previous four groups.
#define SCHED(m0, m1, m2, m3) vsha256su1q_u32(vsha256su0q_u32(m0, m1), m2, m3)

/// Hashes nonces[0..n-1] and writes, for each, the final digest word 7 (IV[7] + H after round 63
/// of the second hash = E after round 60). `n` is a compile-time constant after inlining, so every
/// loop unrolls and the states and schedules live in registers.
SHA2_FN void sm_armsha2_lanes(const sm_armsha2_consts *c, const uint32_t *nonces, uint32_t *top, const int n) {
    uint32x4_t abcd[SM_ARMSHA2_WAYS], efgh[SM_ARMSHA2_WAYS];
    uint32x4_t m[SM_ARMSHA2_WAYS][16];

    // ---- Block 2 from the state after round 3: W3 enters A and E linearly. ----
    FOR_LANES(j) {
        const uint32_t w3 = __builtin_bswap32(nonces[j]);
        const uint32x4_t w3_in_lane0 = vsetq_lane_u32(w3, vdupq_n_u32(0), 0);
        abcd[j] = vaddq_u32(c->abcd3, w3_in_lane0);
        efgh[j] = vaddq_u32(c->efgh3, w3_in_lane0);
        m[j][0] = vsetq_lane_u32(w3, c->w0, 3);
        m[j][1] = c->w4;
        m[j][2] = vdupq_n_u32(0);
        m[j][3] = c->w12;
    }
    FOR_LANES(j) QROUND(abcd[j], efgh[j], c->kw4);
    FOR_LANES(j) QROUND(abcd[j], efgh[j], c->kw8);
    FOR_LANES(j) QROUND(abcd[j], efgh[j], c->kw12);
    _Pragma("clang loop unroll(full)") for (int i = 4; i < 16; i++) {
        FOR_LANES(j) {
            // SU0 of the groups W20.. and W24.. reads only constant words.
            const uint32x4_t su0 = i == 5 ? c->su0_5 : i == 6 ? c->su0_6 : vsha256su0q_u32(m[j][i - 4], m[j][i - 3]);
            m[j][i] = vsha256su1q_u32(su0, m[j][i - 2], m[j][i - 1]);
            QROUND(abcd[j], efgh[j], vaddq_u32(m[j][i], sm_k4(i)));
        }
    }

    // ---- Feed-forward: the first hash is the second hash's W0..W7. ----
    FOR_LANES(j) {
        m[j][0] = vaddq_u32(abcd[j], c->mid_abcd);
        m[j][1] = vaddq_u32(efgh[j], c->mid_efgh);
        m[j][2] = c->h2w2;
        m[j][3] = c->h2w3;
        abcd[j] = c->iv_abcd;
        efgh[j] = c->iv_efgh;
    }

    // ---- Second hash, rounds 0..59, then rounds 60..63 for EFGH only. ----
    FOR_LANES(j) QROUND(abcd[j], efgh[j], vaddq_u32(m[j][0], sm_k4(0)));
    FOR_LANES(j) QROUND(abcd[j], efgh[j], vaddq_u32(m[j][1], sm_k4(1)));
    FOR_LANES(j) QROUND(abcd[j], efgh[j], c->h2kw2);
    FOR_LANES(j) QROUND(abcd[j], efgh[j], c->h2kw3);
    _Pragma("clang loop unroll(full)") for (int i = 4; i < 15; i++) {
        FOR_LANES(j) {
            m[j][i] = SCHED(m[j][i - 4], m[j][i - 3], m[j][i - 2], m[j][i - 1]);
            QROUND(abcd[j], efgh[j], vaddq_u32(m[j][i], sm_k4(i)));
        }
    }
    FOR_LANES(j) {
        m[j][15] = SCHED(m[j][11], m[j][12], m[j][13], m[j][14]);
        const uint32x4_t efgh63 = vsha256h2q_u32(efgh[j], abcd[j], vaddq_u32(m[j][15], sm_k4(15)));
        top[j] = vgetq_lane_u32(efgh63, 3) + sm_iv[7];
    }
}

#define SM_SCAN_NAME sm_scan_armsha2
#define SM_WAYS SM_ARMSHA2_WAYS
#define SM_CONSTS sm_armsha2_consts
#define SM_CONSTS_INIT(pre, work, c) sm_armsha2_consts_init(pre, work, c)
#define SM_HASH_TOPS(c, nonces, top, n) sm_armsha2_lanes(c, nonces, top, n)
#include "sm_scan_loop.h"

#else

size_t sm_scan_armsha2(const sm_work *work, uint32_t first_nonce, uint32_t count,
                       uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
