// SHA-NI kernel: each nonce is one SHA-256 computation in two xmm registers (ABEF / CDGH), with
// SM_SHANI_WAYS nonces interleaved so that the sha256rnds2 latency is hidden.
//
// Per nonce: block 2 runs rounds 4..63 (30 sha256rnds2; rounds 0..2 are precomputed and round 3
// adds W3 linearly), the second hash rounds 0..61 (31 sha256rnds2), after which F of ABEF is E
// after round 60, i.e. final digest word 7 minus IV[7]: the early reject. On Zen 3 sha256rnds2
// has latency 4 and throughput 1/cycle, so one nonce alone is latency-bound (~244 cycles).
// `swiftminer bench --kernel shani`, AMD EPYC Zen 5, median of 3: 30.1 MH/s on one thread, 61.0 on
// two.
//
// This file keeps the ISA-specific part: the per-call constants as vectors and the hashing of
// 1..SM_SHANI_WAYS nonces (sm_shani_lanes). The scan loop around it (groups of nonces, the
// early reject, verification and the found buffer) is shared with scan_armsha2.c: sm_scan_loop.h.
#include "sm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Nonces hashed side by side. Measured on AMD EPYC (Zen 3), 1 thread, best of 100 short runs on a
// shared (noisy) machine, MH/s:
//   schedule kept in registers (plain unroll(full)):  1 way 16.5, 2 ways 24.7, 3 ways 23.9, 4 ways 24.9
//   schedule to memory, latest group in a register:   3 ways 28.1, 4 ways 29.4, 5 ways 26.6
//   block-2 schedule precomputed for all lanes first: 3 ways 21.4, 4 ways 22.4
//   whole schedule precomputed into memory:           4 ways 18.6, 6 ways 19.0
//   second hash from round 1 (round 0 linear, 30 instead of 31 rnds2, odd K+W pairs): 4 ways 25.3
// so the default is the second row with 4 ways. On Zen 5 (C harness, best of 10 runs of 4M nonces)
// more ways help a little: 2 ways 23.5, 3 27.4, 4 29.8, 5 30.0, 6 30.4, 8 31.2; 4 stays the default,
// since Zen 3 got slower beyond 4 and Zen 5 runs the AVX-512 kernel anyway.
#ifndef SM_SHANI_WAYS
#define SM_SHANI_WAYS 4
#endif

#define SM_TARGET "sha,sse4.1"
#define SHA_FN static inline __attribute__((always_inline, target(SM_TARGET)))
#define FOR_LANES(j) _Pragma("clang loop unroll(full)") for (int j = 0; j < n; j++)

/// Everything the per-nonce code needs, as vectors, computed once per call.
typedef struct sm_shani_consts {
    __m128i abef3, cdgh3;       // block-2 state after round 3 with W3 = 0 (ABEF / CDGH layout)
    __m128i g0;                 // W0..W3 with W3 = 0
    __m128i g1, g3;             // W4..W7, W12..W15 (W8..W11 are zero)
    __m128i c4, c5, c7;         // constant parts of the schedule groups W16.., W20.., W28..
    __m128i kw4, kw8, kw12;     // K + W for rounds 4..15
    __m128i mid_abef, mid_cdgh; // the midstate, for the feed-forward
    __m128i k[16];              // K[4i..4i+3]
    __m128i iv_abef, iv_cdgh;   // the initial state of the second hash
    __m128i h2g2, h2g3;         // W8..W11 and W12..W15 of the second hash
    __m128i h2kw2, h2kw3;       // K + W for rounds 8..15 of the second hash
} sm_shani_consts;

SHA_FN __m128i sm_abef(const uint32_t s[8]) { return _mm_set_epi32((int)s[0], (int)s[1], (int)s[4], (int)s[5]); }
SHA_FN __m128i sm_cdgh(const uint32_t s[8]) { return _mm_set_epi32((int)s[2], (int)s[3], (int)s[6], (int)s[7]); }
SHA_FN __m128i sm_v4(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
    return _mm_setr_epi32((int)w0, (int)w1, (int)w2, (int)w3);
}

SHA_FN void sm_shani_consts_init(const sm_pre *p, const sm_work *work, sm_shani_consts *c) {
    c->abef3 = sm_abef(p->state3);
    c->cdgh3 = sm_cdgh(p->state3);
    c->g0 = sm_v4(work->tail[0], work->tail[1], work->tail[2], 0);
    c->g1 = sm_v4(0x80000000u, 0, 0, 0);
    c->g3 = sm_v4(0, 0, 0, 640);
    c->c4 = sm_v4(0, sm_ssig1(640), sm_ssig1(p->w16), sm_ssig1(p->w17));
    c->c5 = sm_v4(0x80000000u, 0, 640, p->w16);
    c->c7 = sm_v4(0, 0, sm_ssig0(640), p->c31);
    c->kw4 = _mm_loadu_si128((const __m128i *)&p->kw[4]);
    c->kw8 = _mm_loadu_si128((const __m128i *)&p->kw[8]);
    c->kw12 = _mm_loadu_si128((const __m128i *)&p->kw[12]);
    c->mid_abef = sm_abef(p->midstate);
    c->mid_cdgh = sm_cdgh(p->midstate);
    for (int i = 0; i < 16; i++) c->k[i] = _mm_loadu_si128((const __m128i *)&sm_k[4 * i]);
    c->iv_abef = sm_abef(sm_iv);
    c->iv_cdgh = sm_cdgh(sm_iv);
    c->h2g2 = sm_v4(0x80000000u, 0, 0, 0);
    c->h2g3 = sm_v4(0, 0, 0, 256);
    c->h2kw2 = _mm_add_epi32(c->h2g2, c->k[2]);
    c->h2kw3 = _mm_add_epi32(c->h2g3, c->k[3]);
}

// Four rounds with K + W in wk; s0 is ABEF and s1 CDGH before and after.
#define QROUND(s0, s1, wk)                                          \
    do {                                                            \
        __m128i wk_ = (wk);                                         \
        s1 = _mm_sha256rnds2_epu32(s1, s0, wk_);                    \
        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(wk_, 0x0e)); \
    } while (0)

// The next schedule group from the previous four: W[4i..4i+3].
#define SCHED(m0, m1, m2, m3) \
    _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), _mm_alignr_epi8(m3, m2, 4)), m3)

/// Hashes nonces[0..n-1] and writes, for each, the final digest word 7 (IV[7] + E after round 60
/// of the second hash). `n` is a compile-time constant after inlining, so every loop unrolls and
/// the states live in registers.
///
/// Register pressure decides the speed: 16 xmm registers hold n states of two registers each,
/// xmm0 (the implicit K + W operand of sha256rnds2) and the message schedule. A spilled state puts
/// a store-to-load round trip on the critical sha256rnds2 chain (latency 4), so the schedule goes
/// to memory as it is computed and only its latest group per lane stays in a register: the empty
/// asm statement after each lane's group tells the compiler that the array may have changed, so
/// it reloads the older groups rather than keeping them in registers, and it keeps the compiler
/// from interleaving the lanes' schedules beyond what fits (the CPU overlaps the lanes anyway).
SHA_FN void sm_shani_lanes(const sm_shani_consts *c, const uint32_t *nonces, uint32_t *top, const int n) {
    __m128i s0[SM_SHANI_WAYS], s1[SM_SHANI_WAYS], last[SM_SHANI_WAYS];
    __m128i m[SM_SHANI_WAYS][16];
#define SM_SPILL_BARRIER() __asm__ volatile("" : : "r"(m) : "memory")

    // ---- Block 2 from the state after round 3: W3 enters A and E linearly. ----
    FOR_LANES(j) {
        const int w3 = (int)__builtin_bswap32(nonces[j]);
        s0[j] = _mm_add_epi32(c->abef3, _mm_set_epi32(w3, 0, w3, 0));
        s1[j] = c->cdgh3;
        m[j][4] = _mm_add_epi32(_mm_sha256msg1_epu32(_mm_insert_epi32(c->g0, w3, 3), c->g1), c->c4);
        m[j][5] = _mm_sha256msg2_epu32(c->c5, m[j][4]);
        m[j][6] = _mm_sha256msg2_epu32(_mm_alignr_epi8(m[j][5], m[j][4], 4), m[j][5]);
        last[j] = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_alignr_epi8(m[j][6], m[j][5], 4), c->c7), m[j][6]);
        m[j][7] = last[j];
    }
    SM_SPILL_BARRIER();
    FOR_LANES(j) QROUND(s0[j], s1[j], c->kw4);
    FOR_LANES(j) QROUND(s0[j], s1[j], c->kw8);
    FOR_LANES(j) QROUND(s0[j], s1[j], c->kw12);
    FOR_LANES(j) QROUND(s0[j], s1[j], _mm_add_epi32(m[j][4], c->k[4]));
    FOR_LANES(j) QROUND(s0[j], s1[j], _mm_add_epi32(m[j][5], c->k[5]));
    FOR_LANES(j) QROUND(s0[j], s1[j], _mm_add_epi32(m[j][6], c->k[6]));
    _Pragma("clang loop unroll(full)") for (int i = 8; i < 17; i++) {
        FOR_LANES(j) {
            const __m128i prev = last[j];
            if (i < 16) {
                last[j] = SCHED(m[j][i - 4], m[j][i - 3], m[j][i - 2], prev);
                m[j][i] = last[j];
            }
            QROUND(s0[j], s1[j], _mm_add_epi32(prev, c->k[i - 1]));
            SM_SPILL_BARRIER();
        }
    }

    // ---- Feed-forward, and the first hash's state as the second hash's W0..W7. ----
    FOR_LANES(j) {
        const __m128i abef = _mm_add_epi32(s0[j], c->mid_abef);   // lanes F E B A
        const __m128i cdgh = _mm_add_epi32(s1[j], c->mid_cdgh);   // lanes H G D C
        const __m128i feba = _mm_shuffle_epi32(abef, 0x1b);       // lanes A B E F
        const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);       // lanes G H C D
        m[j][0] = _mm_blend_epi16(feba, dchg, 0xf0);              // A B C D
        m[j][1] = _mm_alignr_epi8(dchg, feba, 8);                 // E F G H
        m[j][2] = c->h2g2;
        last[j] = c->h2g3;
        m[j][3] = last[j];
        s0[j] = c->iv_abef;
        s1[j] = c->iv_cdgh;
    }
    SM_SPILL_BARRIER();

    // ---- Second hash, rounds 0..61 (E after round 60 is F after round 61). ----
    FOR_LANES(j) QROUND(s0[j], s1[j], _mm_add_epi32(m[j][0], c->k[0]));
    FOR_LANES(j) QROUND(s0[j], s1[j], _mm_add_epi32(m[j][1], c->k[1]));
    FOR_LANES(j) QROUND(s0[j], s1[j], c->h2kw2);
    _Pragma("clang loop unroll(full)") for (int i = 4; i < 16; i++) {
        FOR_LANES(j) {
            const __m128i prev = last[j];
            last[j] = SCHED(m[j][i - 4], m[j][i - 3], m[j][i - 2], prev);
            m[j][i] = last[j];
            if (i == 4) QROUND(s0[j], s1[j], c->h2kw3);
            else QROUND(s0[j], s1[j], _mm_add_epi32(prev, c->k[i - 1]));
            SM_SPILL_BARRIER();
        }
    }
    FOR_LANES(j) {
        const __m128i abef61 = _mm_sha256rnds2_epu32(s1[j], s0[j], _mm_add_epi32(last[j], c->k[15]));
        top[j] = (uint32_t)_mm_cvtsi128_si32(abef61) + sm_iv[7];
    }
#undef SM_SPILL_BARRIER
}

#define SM_SCAN_NAME sm_scan_shani
#define SM_WAYS SM_SHANI_WAYS
#define SM_CONSTS sm_shani_consts
#define SM_CONSTS_INIT(pre, work, c) sm_shani_consts_init(pre, work, c)
#define SM_HASH_TOPS(c, nonces, top, n) sm_shani_lanes(c, nonces, top, n)
#include "sm_scan_loop.h"

#else

size_t sm_scan_shani(const sm_work *work, uint32_t first_nonce, uint32_t count,
                     uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
