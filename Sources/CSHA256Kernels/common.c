// Scalar parts shared by the kernels: constants, the per-call precomputation and the full
// verification of candidates. Compiled for the baseline ISA only.
#include "sm_internal.h"

/// One SHA-256 round on s[0..7] = a..h.
static inline void sm_round(uint32_t s[8], uint32_t kw) {
    uint32_t t1 = s[7] + sm_bsig1(s[4]) + sm_ch(s[4], s[5], s[6]) + kw;
    uint32_t t2 = sm_bsig0(s[0]) + sm_maj(s[0], s[1], s[2]);
    s[7] = s[6]; s[6] = s[5]; s[5] = s[4]; s[4] = s[3] + t1;
    s[3] = s[2]; s[2] = s[1]; s[1] = s[0]; s[0] = t1 + t2;
}

/// out = state + compress(state, w[0..15]).
static void sm_compress(const uint32_t state[8], const uint32_t block[16], uint32_t out[8]) {
    uint32_t w[64], s[8];
    for (int t = 0; t < 16; t++) w[t] = block[t];
    for (int t = 16; t < 64; t++) w[t] = sm_ssig1(w[t - 2]) + w[t - 7] + sm_ssig0(w[t - 15]) + w[t - 16];
    for (int i = 0; i < 8; i++) s[i] = state[i];
    for (int t = 0; t < 64; t++) sm_round(s, sm_k[t] + w[t]);
    for (int i = 0; i < 8; i++) out[i] = state[i] + s[i];
}

void sm_precompute(const sm_work *work, sm_pre *pre) {
    uint32_t w[16] = {0};
    w[0] = work->tail[0]; w[1] = work->tail[1]; w[2] = work->tail[2];
    w[3] = 0;  // the nonce word, added later
    w[4] = 0x80000000u;
    w[15] = 640;
    for (int t = 0; t < 16; t++) pre->kw[t] = sm_k[t] + w[t];
    pre->w16 = sm_ssig0(w[1]) + w[0];                       // s1(W14) = W9 = 0
    pre->w17 = sm_ssig1(640) + sm_ssig0(w[2]) + w[1];       // W10 = 0
    pre->kw[16] = sm_k[16] + pre->w16;
    pre->kw[17] = sm_k[17] + pre->w17;
    for (int t = 18; t < 64; t++) pre->kw[t] = 0;  // nonce-dependent: unused
    pre->w18c = sm_ssig1(pre->w16) + w[2];                  // + s0(W3); W11 = 0
    pre->w19c = sm_ssig1(pre->w17) + sm_ssig0(0x80000000u); // + W3; W12 = 0
    pre->c31 = sm_ssig0(pre->w16) + 640;                    // s0(W16) + W15
    pre->c32 = sm_ssig0(pre->w17) + pre->w16;               // s0(W17) + W16

    uint32_t s[8];
    for (int i = 0; i < 8; i++) s[i] = work->midstate[i];
    for (int t = 0; t < 4; t++) sm_round(s, pre->kw[t]);  // round 3 with W3 = 0
    for (int i = 0; i < 8; i++) pre->state3[i] = s[i];
    for (int i = 0; i < 8; i++) pre->midstate[i] = work->midstate[i];
    pre->target7 = work->target[7];
}

int sm_meets_target(const sm_work *work, uint32_t nonce) {
    uint32_t block[16] = {0}, first[8], final[8];
    block[0] = work->tail[0]; block[1] = work->tail[1]; block[2] = work->tail[2];
    block[3] = __builtin_bswap32(nonce);
    block[4] = 0x80000000u;
    block[15] = 640;
    sm_compress(work->midstate, block, first);
    for (int i = 0; i < 16; i++) block[i] = 0;
    for (int i = 0; i < 8; i++) block[i] = first[i];
    block[8] = 0x80000000u;
    block[15] = 256;
    sm_compress(sm_iv, block, final);
    for (int i = 7; i >= 0; i--) {
        uint32_t limb = __builtin_bswap32(final[i]);
        if (limb != work->target[i]) return limb < work->target[i];
    }
    return 1;
}
