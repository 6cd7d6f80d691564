// The lane-parallel (one nonce per 32-bit lane) SHA-256d nonce scanner, written once over a
// small vector vocabulary and included by scan_avx2.c, scan_avx512.c and scan_neon.c, which define:
//
//   SM_TARGET        the target attribute string, e.g. "avx2" (left undefined only by the
//                    test-only emulation of the AVX-512 vocabulary, which is plain C)
//   SM_LANES         lanes per vector
//   SM_LANE_MASK     unsigned type wide enough for one bit per lane
//   V                the vector type
//   V_SET1(x)  V_ADD(a,b)  V_SUB(a,b)  V_XOR(a,b)  V_ROR(x,n)  V_SHR(x,n)  V_XOR3(a,b,c)
//   V_CH(e,f,g)      SHA-256 Ch
//   V_MAJ(a,b,c,ab,bc)  SHA-256 Maj; ab = a^b and bc = b^c are supplied for the xor form
//   V_BSWAP(x)       byte swap of every lane
//   V_IOTA()         lanes 0, 1, ..., SM_LANES-1
//   V_LE_MASK(x,t)   bit i set iff lane i of x <= lane i of t (unsigned)
//   V_PIN(x)         optional: by default an empty asm statement that makes x live in an x86
//                    vector register at that point (a scheduling anchor; see RND and RND8); the
//                    NEON vocabulary uses AArch64's register constraint, the plain-C emulation
//                    defines it as nothing
//   SM_SCAN_NAME     the exported function name
//   SM_RND_TEXTBOOK  optional: rounds as t1 + t2 (one instruction fewer per round; see RND)
//
// Every function here carries the target attribute (helpers are always_inline), so nothing in
// this file is compiled for an ISA the caller did not ask for.
//
// Per vector of nonces: block 2 runs rounds 4..63 from the per-call state after round 3 (round 3
// adds W3 linearly), with the schedule words W16..W31 reduced to their nonce-dependent parts; the
// second hash starts after round 0 (which adds W0 linearly) with W8..W15 folded in as constants,
// and stops after round 60, when E + IV[7] is final digest word 7. Lanes whose byte-swapped word 7
// exceeds the target's top limb are rejected there; the rest are verified in scalar code.
#include "sm_internal.h"

#ifdef SM_TARGET
#define SM_TARGET_ATTR __attribute__((target(SM_TARGET)))
#else
#define SM_TARGET_ATTR
#endif
#define SM_FN static inline __attribute__((always_inline)) SM_TARGET_ATTR

#ifndef V_PIN
#define V_PIN(x) __asm__ volatile("" : "+v"(x))
#endif

#define V_BSIG0(x) V_XOR3(V_ROR(x, 2), V_ROR(x, 13), V_ROR(x, 22))
#define V_BSIG1(x) V_XOR3(V_ROR(x, 6), V_ROR(x, 11), V_ROR(x, 25))
#define V_SSIG0(x) V_XOR3(V_ROR(x, 7), V_ROR(x, 18), V_SHR(x, 3))
#define V_SSIG1(x) V_XOR3(V_ROR(x, 17), V_ROR(x, 19), V_SHR(x, 10))

// One round. The new A goes into h's variable and the new E into d's, so the next round is
// RND(h, a, b, c, d, e, f, g, ...). `bc` carries b^c from round to round (it is the previous a^b).
//
// The sums are arranged for latency: E's chain (new E from E) is Sigma1 and one add, about three
// instruction latencies, with H + K + W and D + H + K + W off the chain; the new A is the new E
// plus (Maj - D) + Sigma0, which costs one add more than t1 + t2 but keeps A off E's chain.
// V_PIN(d) after each round stops the compiler from hoisting the whole message schedule above
// the rounds (it otherwise computes W16..W63 first, leaving the rounds a long serial chain with
// nothing to overlap). Measured on AMD EPYC Zen 5 (one thread, C harness, best of 10 runs of 4M
// nonces): AVX-512 38.8 MH/s before, 52.1 after; AVX2 13.4 before, 14.5 after. Pinning the new A
// too, or every schedule word, measured the same or slower.
// SM_RND_TEXTBOOK: the textbook round, new E = D + t1 and new A = t1 + t2, one subtraction fewer
// per round but A's chain one addition deeper. The pair body (scan_avx512_pair.c) uses it: with
// two independent vectors in flight the chains no longer decide the speed, the count does.
#if defined(SM_RND_TEXTBOOK)
#define RND(a, b, c, d, e, f, g, h, kw)                                        \
    do {                                                                       \
        V t1_ = V_ADD(V_ADD(V_ADD(h, (kw)), V_CH(e, f, g)), V_BSIG1(e));      \
        V ab_ = V_XOR(a, b);                                                   \
        V t2_ = V_ADD(V_BSIG0(a), V_MAJ(a, b, c, ab_, bc));                   \
        d = V_ADD(d, t1_);                                                     \
        h = V_ADD(t1_, t2_);                                                   \
        bc = ab_;                                                              \
        V_PIN(d);                                                              \
    } while (0)
#else
#define RND(a, b, c, d, e, f, g, h, kw)                                        \
    do {                                                                       \
        V hk_ = V_ADD(h, (kw));                                                \
        V dhk_ = V_ADD(d, hk_);                                                \
        V ch_ = V_CH(e, f, g);                                                 \
        V s1_ = V_BSIG1(e);                                                    \
        V ab_ = V_XOR(a, b);                                                   \
        V majd_ = V_SUB(V_MAJ(a, b, c, ab_, bc), d);                           \
        d = V_ADD(V_ADD(dhk_, ch_), s1_);                                      \
        h = V_ADD(V_ADD(majd_, V_BSIG0(a)), d);                                \
        bc = ab_;                                                              \
        V_PIN(d);                                                              \
    } while (0)

#endif

// Eight rounds from a round t with t % 8 == 0 (the state roles are back to a..h). Before each
// round u, SCHED(u) computes the message word of round u + 8 (or nothing), so the schedule
// trickles in between the rounds, one word per round, rather than in bursts of eight: measured on
// Zen 5 (C harness, best of 8 runs of 4M nonces) AVX2 15.3 -> 16.8 MH/s, AVX-512 54.4 -> 57.
// Words further ahead (10, 12, 16 rounds) measured the same or slower.
#define RND8(KW, t, SCHED)                                                \
    SCHED(t); RND(a, b, c, d, e, f, g, h, KW(t));                         \
    SCHED((t) + 1); RND(h, a, b, c, d, e, f, g, KW((t) + 1));             \
    SCHED((t) + 2); RND(g, h, a, b, c, d, e, f, KW((t) + 2));             \
    SCHED((t) + 3); RND(f, g, h, a, b, c, d, e, KW((t) + 3));             \
    SCHED((t) + 4); RND(e, f, g, h, a, b, c, d, KW((t) + 4));             \
    SCHED((t) + 5); RND(d, e, f, g, h, a, b, c, KW((t) + 5));             \
    SCHED((t) + 6); RND(c, d, e, f, g, h, a, b, KW((t) + 6));             \
    SCHED((t) + 7); RND(b, c, d, e, f, g, h, a, KW((t) + 7))

// The SCHED hooks: block 2's words W16..W63 and the second hash's W16..W60, each pinned as it is
// computed (without the pin clang moves them back into bursts; AVX2 then runs at half speed).
#define SCHED_NONE(u) ((void)0)
#define SCHED_BLOCK2(u)                                                   \
    do {                                                                  \
        if ((u) + 8 >= 16 && (u) + 8 < 64) {                              \
            w[(u) + 8] = sm_block2_word(p, w, w3, (u) + 8);               \
            V_PIN(w[(u) + 8]);                                            \
        }                                                                 \
    } while (0)
#define SCHED_HASH2(u)                                                    \
    do {                                                                  \
        if ((u) + 8 >= 16 && (u) + 8 <= 60) {                             \
            x[(u) + 8] = sm_hash2_word(x, (u) + 8);                       \
            V_PIN(x[(u) + 8]);                                            \
        }                                                                 \
    } while (0)

#define W_NEXT(w, t) V_ADD(V_ADD(V_SSIG1(w[(t) - 2]), w[(t) - 7]), V_ADD(V_SSIG0(w[(t) - 15]), w[(t) - 16]))

// K[t] + W[t] for the three kinds of rounds below.
#define KW_PRE(t) V_SET1(p->kw[t])                  // block 2, constant word (precomputed)
#define KW_VAR(t) V_ADD(V_SET1(sm_k[t]), w[t])      // nonce-dependent word
#define KW_VAR2(t) V_ADD(V_SET1(sm_k[t]), x[t])     // second hash
#define KW_CONST2(t) V_SET1(sm_k[t] + sm_hash2_w(t)) // second hash, constant word (compile time)

#define KW_BLOCK2(t) ((t) < 18 ? KW_PRE(t) : KW_VAR(t)) // W16, W17 are constant

/// The constant message words W8..W15 of the second hash (a 32-byte message).
SM_FN uint32_t sm_hash2_w(int t) { return t == 8 ? 0x80000000u : t == 15 ? 256u : 0u; }

/// Message word t (16..63) of block 2, from the earlier words in w; W3 = w3 is the only
/// nonce-dependent input word, and the zero words W5..W14 are folded away. `t` is a constant at
/// every call (the rounds are unrolled), so only one branch is compiled per call.
SM_FN V sm_block2_word(const sm_pre *p, const V *w, V w3, int t) {
    switch (t) {
    case 16: return V_SET1(p->w16);
    case 17: return V_SET1(p->w17);
    case 18: return V_ADD(V_SET1(p->w18c), V_SSIG0(w3));
    case 19: return V_ADD(V_SET1(p->w19c), w3);
    case 20: return V_ADD(V_SSIG1(w[18]), V_SET1(0x80000000u));
    case 21: return V_SSIG1(w[19]);
    case 22: return V_ADD(V_SSIG1(w[20]), V_SET1(640));
    case 23: return V_ADD(V_SSIG1(w[21]), w[16]);
    case 24: case 25: case 26: case 27: case 28: case 29:
        return V_ADD(V_SSIG1(w[t - 2]), w[t - 7]);
    case 30: return V_ADD(V_ADD(V_SSIG1(w[28]), w[23]), V_SET1(sm_ssig0(640)));
    case 31: return V_ADD(V_ADD(V_SSIG1(w[29]), w[24]), V_SET1(p->c31));
    case 32: return V_ADD(V_ADD(V_SSIG1(w[30]), w[25]), V_SET1(p->c32));
    default: return W_NEXT(w, t);
    }
}

/// Message word t (16..60) of the second hash: W0..W7 are the first hash, W8 = 0x80000000,
/// W9..W14 = 0 and W15 = 256 are folded in.
SM_FN V sm_hash2_word(const V *x, int t) {
    switch (t) {
    case 16: return V_ADD(V_SSIG0(x[1]), x[0]);
    case 17: return V_ADD(V_ADD(V_SSIG0(x[2]), x[1]), V_SET1(sm_ssig1(256)));
    case 18: case 19: case 20: case 21:
        return V_ADD(V_ADD(V_SSIG1(x[t - 2]), V_SSIG0(x[t - 15])), x[t - 16]);
    case 22: return V_ADD(V_ADD(V_SSIG1(x[20]), V_SSIG0(x[7])), V_ADD(x[6], V_SET1(256)));
    case 23: return V_ADD(V_ADD(V_SSIG1(x[21]), x[16]), V_ADD(x[7], V_SET1(sm_ssig0(0x80000000u))));
    case 24: return V_ADD(V_ADD(V_SSIG1(x[22]), x[17]), V_SET1(0x80000000u));
    case 25: case 26: case 27: case 28: case 29:
        return V_ADD(V_SSIG1(x[t - 2]), x[t - 7]);
    case 30: return V_ADD(V_ADD(V_SSIG1(x[28]), x[23]), V_SET1(sm_ssig0(256)));
    case 31: return V_ADD(V_ADD(V_SSIG1(x[29]), x[24]), V_ADD(V_SSIG0(x[16]), V_SET1(256)));
    default: return W_NEXT(x, t);
    }
}

/// For the nonces in `nonce`, returns the final digest word 7 (IV[7] + E after round 60 of the
/// second hash): the most significant limb of the hash is its byte swap.
SM_FN V sm_hash_top(const sm_pre *p, V nonce) {
    V w[64];
    V bc;
    // ---- Block 2 of the header, from the precomputed state after round 3. ----
    const V w3 = V_BSWAP(nonce);
    // The roles at round 4 are (e, f, g, h, a, b, c, d).
    V e = V_ADD(V_SET1(p->state3[0]), w3), f = V_SET1(p->state3[1]);
    V g = V_SET1(p->state3[2]), h = V_SET1(p->state3[3]);
    V a = V_ADD(V_SET1(p->state3[4]), w3), b = V_SET1(p->state3[5]);
    V c = V_SET1(p->state3[6]), d = V_SET1(p->state3[7]);
    bc = V_SET1(p->state3[1] ^ p->state3[2]);
    RND(e, f, g, h, a, b, c, d, KW_PRE(4));
    RND(d, e, f, g, h, a, b, c, KW_PRE(5));
    RND(c, d, e, f, g, h, a, b, KW_PRE(6));
    RND(b, c, d, e, f, g, h, a, KW_PRE(7));
    RND8(KW_PRE, 8, SCHED_BLOCK2);
    RND8(KW_BLOCK2, 16, SCHED_BLOCK2);
    RND8(KW_VAR, 24, SCHED_BLOCK2);
    RND8(KW_VAR, 32, SCHED_BLOCK2);
    RND8(KW_VAR, 40, SCHED_BLOCK2);
    RND8(KW_VAR, 48, SCHED_BLOCK2);
    RND8(KW_VAR, 56, SCHED_NONE);

    // ---- Second hash: message = the first hash's state, padding, length 256. ----
    V x[64];
    x[0] = V_ADD(a, V_SET1(p->midstate[0]));
    x[1] = V_ADD(b, V_SET1(p->midstate[1]));
    x[2] = V_ADD(c, V_SET1(p->midstate[2]));
    x[3] = V_ADD(d, V_SET1(p->midstate[3]));
    x[4] = V_ADD(e, V_SET1(p->midstate[4]));
    x[5] = V_ADD(f, V_SET1(p->midstate[5]));
    x[6] = V_ADD(g, V_SET1(p->midstate[6]));
    x[7] = V_ADD(h, V_SET1(p->midstate[7]));

    // Round 0 from the IV adds W0 linearly into the new A and E (all else is constant).
    const uint32_t t1c = sm_iv[7] + sm_bsig1(sm_iv[4]) + sm_ch(sm_iv[4], sm_iv[5], sm_iv[6]) + sm_k[0];
    const uint32_t t2c = sm_bsig0(sm_iv[0]) + sm_maj(sm_iv[0], sm_iv[1], sm_iv[2]);
    // The roles at round 1 are (h, a, b, c, d, e, f, g).
    h = V_ADD(x[0], V_SET1(t1c + t2c));
    a = V_SET1(sm_iv[0]);
    b = V_SET1(sm_iv[1]);
    c = V_SET1(sm_iv[2]);
    d = V_ADD(x[0], V_SET1(sm_iv[3] + t1c));
    e = V_SET1(sm_iv[4]);
    f = V_SET1(sm_iv[5]);
    g = V_SET1(sm_iv[6]);
    bc = V_SET1(sm_iv[0] ^ sm_iv[1]);
    RND(h, a, b, c, d, e, f, g, KW_VAR2(1));
    RND(g, h, a, b, c, d, e, f, KW_VAR2(2));
    RND(f, g, h, a, b, c, d, e, KW_VAR2(3));
    RND(e, f, g, h, a, b, c, d, KW_VAR2(4));
    RND(d, e, f, g, h, a, b, c, KW_VAR2(5));
    RND(c, d, e, f, g, h, a, b, KW_VAR2(6));
    RND(b, c, d, e, f, g, h, a, KW_VAR2(7));
    RND8(KW_CONST2, 8, SCHED_HASH2);
    RND8(KW_VAR2, 16, SCHED_HASH2);
    RND8(KW_VAR2, 24, SCHED_HASH2);
    RND8(KW_VAR2, 32, SCHED_HASH2);
    RND8(KW_VAR2, 40, SCHED_HASH2);
    RND8(KW_VAR2, 48, SCHED_HASH2);
    // Rounds 56..60; the A values they compute are dead and get eliminated.
    RND(a, b, c, d, e, f, g, h, KW_VAR2(56));
    RND(h, a, b, c, d, e, f, g, KW_VAR2(57));
    RND(g, h, a, b, c, d, e, f, KW_VAR2(58));
    RND(f, g, h, a, b, c, d, e, KW_VAR2(59));
    RND(e, f, g, h, a, b, c, d, KW_VAR2(60));
    // E after round 60 (in h's variable) becomes H after round 63.
    (void)bc;
    return V_ADD(h, V_SET1(sm_iv[7]));
}

SM_TARGET_ATTR
size_t SM_SCAN_NAME(const sm_work *work, uint32_t first_nonce, uint32_t count,
                    uint32_t *found, size_t found_capacity) {
    sm_pre pre;
    sm_precompute(work, &pre);
    const V target7 = V_SET1(pre.target7);
    const V iota = V_IOTA();
    size_t matches = 0;
    uint32_t base = first_nonce;
    uint64_t left = count;
    while (left > 0) {
        const uint32_t lanes = left < SM_LANES ? (uint32_t)left : SM_LANES;
        const V top = sm_hash_top(&pre, V_ADD(V_SET1(base), iota));
        SM_LANE_MASK hits = (SM_LANE_MASK)V_LE_MASK(V_BSWAP(top), target7);
        if (__builtin_expect(hits != 0, 0)) {
            if (lanes < SM_LANES) hits &= (SM_LANE_MASK)((1u << lanes) - 1u);
            while (hits) {
                const uint32_t nonce = base + (uint32_t)__builtin_ctz(hits);
                hits &= (SM_LANE_MASK)(hits - 1);
                if (sm_meets_target(work, nonce)) sm_record(nonce, found, found_capacity, &matches);
            }
        }
        base += SM_LANES;  // wraps at 2^32
        left -= lanes;
    }
    return matches;
}
