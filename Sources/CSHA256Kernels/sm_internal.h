// Private to CSHA256Kernels: the per-call precomputation shared by the kernels, the scalar
// verification of candidates, and small helpers. Everything here is baseline x86-64 / ARM64 (or
// portable) code; the ISA-specific code lives in scan_*.c, behind per-function target
// attributes.
#ifndef SM_INTERNAL_H
#define SM_INTERNAL_H

#include "CSHA256Kernels.h"

#define SM_HIDDEN __attribute__((visibility("hidden")))

/// SHA-256 round constants K[0..63] and the initial state (static, so that the compiler folds
/// expressions of them into constants in every file).
static const uint32_t sm_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
static const uint32_t sm_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/// Everything about one header that does not depend on the nonce, computed once per scan call.
///
/// Block 2 (header bytes 64..79 plus padding) has message words W0..W2 = tail, W3 = bswap(nonce),
/// W4 = 0x80000000, W5..W14 = 0, W15 = 640. Rounds 0..2 see only W0..W2, and round 3 adds W3
/// linearly into the new A and E, so the state after round 3 is `state3` with W3 added to its
/// A and E words.
typedef struct sm_pre {
    uint32_t state3[8];  // block-2 state after round 3, computed with W3 = 0
    uint32_t w16, w17;   // constant schedule words of block 2
    uint32_t w18c;       // W18 = w18c + s0(W3)
    uint32_t w19c;       // W19 = w19c + W3
    uint32_t c31;        // W31 = s1(W29) + W24 + c31
    uint32_t c32;        // W32 = s1(W30) + W25 + c32
    uint32_t kw[64];     // K[t] + W[t] of block 2 for the constant words (t = 0..2, 4..17)
    uint32_t midstate[8];
    uint32_t target7;    // most significant target limb (early reject)
} sm_pre;

SM_HIDDEN void sm_precompute(const sm_work *work, sm_pre *pre);

/// Full double SHA-256 of the header with this nonce, compared with the whole target (no
/// shortcuts: it is the final word on every candidate the vector code lets through).
SM_HIDDEN int sm_meets_target(const sm_work *work, uint32_t nonce);

#if defined(__aarch64__)
/// The SM_CPU_* bits for an AT_HWCAP value (sm_cpu_features() passes getauxval(AT_HWCAP); the
/// ARM64 check driver passes made-up values, since every CPU qemu-user models has SHA2).
SM_HIDDEN uint32_t sm_arm64_features_from_hwcap(uint64_t hwcap);
#endif

static inline uint32_t sm_ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }
static inline uint32_t sm_bsig0(uint32_t x) { return sm_ror(x, 2) ^ sm_ror(x, 13) ^ sm_ror(x, 22); }
static inline uint32_t sm_bsig1(uint32_t x) { return sm_ror(x, 6) ^ sm_ror(x, 11) ^ sm_ror(x, 25); }
static inline uint32_t sm_ssig0(uint32_t x) { return sm_ror(x, 7) ^ sm_ror(x, 18) ^ (x >> 3); }
static inline uint32_t sm_ssig1(uint32_t x) { return sm_ror(x, 17) ^ sm_ror(x, 19) ^ (x >> 10); }
static inline uint32_t sm_ch(uint32_t x, uint32_t y, uint32_t z) { return z ^ (x & (y ^ z)); }
static inline uint32_t sm_maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | (z & (x | y)); }

/// Records one verified match: writes it while there is room, always counts it.
static inline void sm_record(uint32_t nonce, uint32_t *found, size_t capacity, size_t *count) {
    if (*count < capacity) found[*count] = nonce;
    *count += 1;
}

#endif
