// The ARM64 kernels (sm_scan_armsha2, sm_scan_neon) against a plain-C SHA-256d reference scanner,
// cross-compiled for aarch64 and run under qemu-aarch64 by scripts/check-arm64-kernels.sh (not a
// SwiftPM target: Package.swift names no target here, so `swift build` never sees this file).
//
// The reference below is written from FIPS 180-4 alone and shares no code with CSHA256Kernels
// (it hashes the header bytes, padding included, and compares the digest bytes with the target),
// and it is itself checked against the FIPS 180-4 example digests and the genesis block hash.
//
// The comparison cases are those of Tests/HashingEngineTests/ISAKernelTests.swift: the same
// SplitMix64 generator and seed, drawn in the same order, so the same 10,000 headers, targets,
// nonce ranges (0, 0xffffffff, wrap-around, 2^31, random) and found-buffer sizes.
//
// Usage: driver [--expect-auto armsha2|neon|swift]   (exit status 0 only if everything matches)
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CSHA256Kernels.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#endif

/// Defined in cpu_features.c (hidden visibility, which a static link still resolves).
uint32_t sm_arm64_features_from_hwcap(uint64_t hwcap);

static int failures;

#define CHECK(cond, ...)                                            \
    do {                                                            \
        if (!(cond)) {                                              \
            failures++;                                             \
            if (failures <= 20) {                                   \
                printf("FAIL %s:%d: ", __FILE__, __LINE__);         \
                printf(__VA_ARGS__);                                \
                printf("\n");                                       \
            }                                                       \
        }                                                           \
    } while (0)

// MARK: - Reference SHA-256 (FIPS 180-4, section 6.2), byte-oriented

static const uint32_t ref_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
static const uint32_t ref_h0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static uint32_t load_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[0];
}
static void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/// H := H + compress(H, one 64-byte block).
static void ref_block(uint32_t h[8], const uint8_t block[64]) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + ref_k[t] + w[t];
        uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/// SHA-256 of len bytes (any length up to a few KiB here), continuing from state h after `done`
/// bytes already hashed (done a multiple of 64).
static void ref_finish(uint32_t h[8], const uint8_t *msg, size_t len, uint64_t done, uint8_t out[32]) {
    size_t full = len / 64 * 64;
    for (size_t i = 0; i < full; i += 64) ref_block(h, msg + i);
    uint8_t tail[128] = {0};
    size_t rest = len - full;
    memcpy(tail, msg + full, rest);
    tail[rest] = 0x80;
    size_t tail_len = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (done + len) * 8;
    for (int i = 0; i < 8; i++) tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
    for (size_t i = 0; i < tail_len; i += 64) ref_block(h, tail + i);
    for (int i = 0; i < 8; i++) store_be32(out + 4 * i, h[i]);
}

static void ref_sha256(const uint8_t *msg, size_t len, uint8_t out[32]) {
    uint32_t h[8];
    memcpy(h, ref_h0, sizeof h);
    ref_finish(h, msg, len, 0, out);
}

/// The header's double SHA-256 with this nonce (bytes 76..79, little-endian), given the state after
/// its first 64 bytes.
static void ref_sha256d_header(const uint32_t mid[8], const uint8_t header[80], uint32_t nonce, uint8_t out[32]) {
    uint8_t rest[16];
    memcpy(rest, header + 64, 12);
    rest[12] = (uint8_t)nonce; rest[13] = (uint8_t)(nonce >> 8);
    rest[14] = (uint8_t)(nonce >> 16); rest[15] = (uint8_t)(nonce >> 24);
    uint32_t h[8];
    memcpy(h, mid, sizeof h);
    uint8_t first[32];
    ref_finish(h, rest, 16, 64, first);
    ref_sha256(first, 32, out);
}

/// The digest read as a little-endian 256-bit number, against target limbs (least significant
/// first): digest <= target.
static int ref_meets(const uint8_t digest[32], const uint32_t target[8]) {
    for (int i = 7; i >= 0; i--) {
        uint32_t limb = load_le32(digest + 4 * i);
        if (limb != target[i]) return limb < target[i];
    }
    return 1;
}

typedef struct header_work {
    uint8_t header[80];
    uint32_t mid[8];     // reference state after bytes 0..63
    uint32_t target[8];
    sm_work work;        // what the kernels get
} header_work;

static void make_work(header_work *hw, const uint8_t header[80], const uint32_t target[8]) {
    memcpy(hw->header, header, 80);
    memcpy(hw->mid, ref_h0, sizeof hw->mid);
    ref_block(hw->mid, header);
    memcpy(hw->target, target, sizeof hw->target);
    memcpy(hw->work.midstate, hw->mid, sizeof hw->mid);
    for (int i = 0; i < 3; i++) hw->work.tail[i] = load_be32(header + 64 + 4 * i);
    memcpy(hw->work.target, target, sizeof hw->work.target);
}

/// Every nonce in [first, first + count) (mod 2^32) that meets the target: writes up to
/// `capacity`, returns how many.
static size_t ref_scan(const header_work *hw, uint32_t first, uint32_t count, uint32_t *found, size_t capacity) {
    size_t n = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t digest[32];
        ref_sha256d_header(hw->mid, hw->header, first + i, digest);
        if (ref_meets(digest, hw->target)) {
            if (n < capacity) found[n] = first + i;
            n++;
        }
    }
    return n;
}

// MARK: - The kernels under test

typedef size_t (*scan_fn)(const sm_work *, uint32_t, uint32_t, uint32_t *, size_t);
typedef struct kernel {
    const char *name;
    scan_fn scan;
    uint32_t feature;
    int mismatches;       // of the CASE_COUNT random cases
    int other_failures;   // long scans, genesis, edge cases
} kernel;

static kernel kernels[] = {
    {"armsha2", sm_scan_armsha2, SM_CPU_ARMSHA2, 0, 0},
    {"neon", sm_scan_neon, SM_CPU_NEON, 0, 0},
};
enum { KERNEL_COUNT = sizeof kernels / sizeof kernels[0] };

// MARK: - The generator of ISAKernelTests.swift (SplitMix64)

static uint64_t rng_state;
static uint64_t rng_next(void) {
    rng_state += 0x9e3779b97f4a7c15ull;
    uint64_t z = rng_state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static uint32_t rng_next32(void) { return (uint32_t)(rng_next() >> 32); }
static uint32_t rng_below(uint32_t bound) { return (uint32_t)(rng_next() % bound); }

static void digest_limbs(const uint8_t digest[32], uint32_t limbs[8]) {
    for (int i = 0; i < 8; i++) limbs[i] = load_le32(digest + 4 * i);
}

enum { CASE_COUNT = 10000 };

/// Runs one kernel on one case; compares the match count, the nonces written and the guard word.
static int run_case(kernel *k, const header_work *hw, uint32_t first, uint32_t count, size_t capacity,
                    const uint32_t *expected, size_t expected_matches, int index) {
    uint32_t buffer[80];
    for (int i = 0; i < 80; i++) buffer[i] = 0xdeadbeef;
    size_t matches = k->scan(&hw->work, first, count, buffer, capacity);
    size_t written = matches < capacity ? matches : capacity;
    int ok = matches == expected_matches && memcmp(buffer, expected, written * sizeof(uint32_t)) == 0 &&
             buffer[capacity] == 0xdeadbeef;
    if (!ok) {
        k->mismatches++;
        CHECK(0, "%s, case %d: first %" PRIu32 ", count %" PRIu32 ", capacity %zu: %zu matches, reference %zu",
              k->name, index, first, count, capacity, matches, expected_matches);
    }
    return ok;
}

static void check_random_cases(void) {
    static const uint32_t first_nonces[7] = {0, 0xffffffffu, 0xfffffff0u, 0xfffffffbu, 0xfffffff9u, 1, 0x80000000u};
    static const uint32_t counts[18] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 64};
    rng_state = 0x5eed5eed0badcafeull;
    size_t total_matches = 0;
    int cases_with_matches = 0, wrap_cases_with_matches = 0;
    for (int index = 0; index < CASE_COUNT; index++) {
        uint8_t header[80];
        for (int i = 0; i < 80; i++) header[i] = (uint8_t)rng_next();
        if (index % 7 == 3) memset(header + 36, 0, 32);

        uint32_t first = index % 2 == 0 ? first_nonces[(index / 2) % 7] : rng_next32();
        uint32_t count = index % 3 == 0 ? rng_below(65) : counts[index % 18];

        uint32_t limbs[8];
        for (int i = 0; i < 8; i++) limbs[i] = rng_next32();
        switch (index % 9) {
        case 0: limbs[7] = 0x0fffffff; break;
        case 1: limbs[7] = 0x7fffffff; break;
        case 2: for (int i = 0; i < 8; i++) limbs[i] = 0xffffffff; break;
        case 3: limbs[7] = 0; break;
        case 4: limbs[7] = 0x00ffffff; break;
        case 5: {
            uint32_t value = rng_next32();  // drawn before the shift, as Swift evaluates it
            limbs[7] = value >> rng_below(32);
            break;
        }
        case 6: limbs[7] = 0x1fffffff; limbs[6] = 0; break;
        default: {
            // The hash of one nonce in the range (must match) or that minus one (must not).
            uint32_t nonce = first + rng_below(count > 1 ? count : 1);
            header_work tmp;
            make_work(&tmp, header, limbs);
            uint8_t digest[32];
            ref_sha256d_header(tmp.mid, header, nonce, digest);
            digest_limbs(digest, limbs);
            int zero = 1;
            for (int i = 0; i < 8; i++) zero &= limbs[i] == 0;
            if (index % 9 == 8 && !zero) {
                for (int i = 0; i < 8; i++) {
                    int borrow = limbs[i] == 0;
                    limbs[i] -= 1;
                    if (!borrow) break;
                }
            }
        }
        }
        header_work hw;
        make_work(&hw, header, limbs);
        size_t capacity = index % 11 == 5 ? rng_below(4) : (size_t)count + 1;

        uint32_t expected[80];
        size_t expected_matches = ref_scan(&hw, first, count, expected, capacity);
        total_matches += expected_matches;
        if (expected_matches > 0) {
            cases_with_matches++;
            if ((uint64_t)first + count > (1ull << 32)) wrap_cases_with_matches++;
        }
        for (int k = 0; k < KERNEL_COUNT; k++)
            run_case(&kernels[k], &hw, first, count, capacity, expected, expected_matches, index);
    }
    // The cases exercise what they claim to (the same bounds as ISAKernelTests).
    CHECK(total_matches > 20000, "only %zu matches in all cases", total_matches);
    CHECK(cases_with_matches > 3000, "only %d cases with matches", cases_with_matches);
    CHECK(wrap_cases_with_matches > 100, "only %d wrap-around cases with matches", wrap_cases_with_matches);
    // And they are ISAKernelTests' cases: its reference scanner gives the same totals there (printed
    // from checkAgainstReference once, when this driver was written). Update both together.
    CHECK(total_matches == 57406 && cases_with_matches == 6111 && wrap_cases_with_matches == 1391,
          "the cases differ from ISAKernelTests' (57406 matches, 6111 cases with matches, 1391 across 2^32)");
    printf("random cases: %d cases, %zu reference matches, %d cases with matches, %d of them across 2^32\n",
           CASE_COUNT, total_matches, cases_with_matches, wrap_cases_with_matches);
    for (int k = 0; k < KERNEL_COUNT; k++)
        printf("  %s: %d mismatches\n", kernels[k].name, kernels[k].mismatches);
}

// MARK: - Long scans across 2^32, the genesis block, edge cases

static void check_long_scans(void) {
    const int failures_before = failures;
    rng_state = 42;
    for (int round = 0; round < 4; round++) {
        uint8_t header[80];
        for (int i = 0; i < 80; i++) header[i] = (uint8_t)rng_next();
        uint32_t limbs[8];
        for (int i = 0; i < 8; i++) limbs[i] = rng_next32();
        limbs[7] = 0x000fffff;  // about 1 in 4096
        header_work hw;
        make_work(&hw, header, limbs);
        const uint32_t first = 0xffffffffu - 300000u + (uint32_t)round * 7;  // crosses 2^32
        const uint32_t count = 600003;
        static uint32_t found[KERNEL_COUNT][1024];
        size_t n[KERNEL_COUNT];
        for (int k = 0; k < KERNEL_COUNT; k++) n[k] = kernels[k].scan(&hw.work, first, count, found[k], 1024);
        // Round 0 against a full reference scan; all rounds: the kernels agree and every nonce found
        // meets the target by the reference.
        if (round == 0) {
            static uint32_t expected[1024];
            size_t m = ref_scan(&hw, first, count, expected, 1024);
            CHECK(m > 60 && m < 1024, "long scan: %zu reference matches, about 146 expected", m);
            for (int k = 0; k < KERNEL_COUNT; k++) {
                int ok = n[k] == m && memcmp(found[k], expected, m * sizeof(uint32_t)) == 0;
                if (!ok) kernels[k].other_failures++;
                CHECK(ok, "%s, long scan 0: %zu matches, reference %zu", kernels[k].name, n[k], m);
            }
        }
        for (int k = 0; k < KERNEL_COUNT; k++) {
            // Each kernel's own list: about 146 nonces, in scan order, each meeting the target.
            int ok = n[k] > 60 && n[k] < 1024;
            for (size_t i = 0; ok && i < n[k]; i++) {
                uint8_t digest[32];
                ref_sha256d_header(hw.mid, header, found[k][i], digest);
                ok = ref_meets(digest, hw.target) && (uint32_t)(found[k][i] - first) < count &&
                     (i == 0 || (uint32_t)(found[k][i] - first) > (uint32_t)(found[k][i - 1] - first));
            }
            if (!ok) kernels[k].other_failures++;
            CHECK(ok, "%s, long scan %d: %zu matches, not all in order and meeting the target", kernels[k].name,
                  round, n[k]);
        }
        // And the kernels agree (a nonce one of them misses shows here; round 0 says which).
        int agree = 1;
        for (int k = 1; k < KERNEL_COUNT; k++)
            agree &= n[k] == n[0] && memcmp(found[k], found[0], n[0] * sizeof(uint32_t)) == 0;
        CHECK(agree, "long scan %d: the kernels' lists differ (%zu nonces from %s, %zu from %s)", round, n[0],
              kernels[0].name, n[1], kernels[1].name);
    }
    printf("long scans: 4 x 600003 nonces across 2^32 (round 0 against the full reference scan): %s\n",
           failures == failures_before ? "ok" : "FAILED");
}

static void hex_bytes(const char *hex, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void check_genesis(void) {
    const int failures_before = failures;
    // Bitcoin's genesis block header; its nonce is 0x7c2bac1d = 2083236893 (bytes 1d ac 2b 7c).
    uint8_t header[80];
    hex_bytes("01000000000000000000000000000000000000000000000000000000000000000000000"
              "03ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
              header, 80);
    // Its block hash, as block explorers show it (the digest bytes reversed).
    const char *hash_hex = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
    uint8_t digest[32], first[32], shown[32];
    ref_sha256(header, 80, first);
    ref_sha256(first, 32, digest);
    hex_bytes(hash_hex, shown, 32);
    int same = 1;
    for (int i = 0; i < 32; i++) same &= digest[i] == shown[31 - i];
    CHECK(same, "reference: genesis block hash differs");

    uint32_t limbs[8] = {0, 0, 0, 0, 0, 0, 0xffff0000u, 0};  // difficulty 1
    header_work hw;
    make_work(&hw, header, limbs);
    const uint32_t nonce = 2083236893u;
    CHECK(load_le32(header + 76) == nonce, "genesis header nonce");
    for (int k = 0; k < KERNEL_COUNT; k++) {
        uint32_t found[8] = {0};
        size_t n = kernels[k].scan(&hw.work, nonce - 100000, 200001, found, 8);
        int ok = n == 1 && found[0] == nonce;
        if (!ok) kernels[k].other_failures++;
        CHECK(ok, "%s: genesis scan found %zu nonces, first %" PRIu32, kernels[k].name, n, found[0]);
    }
    printf("genesis: reference block hash %s; nonce %" PRIu32 " (0x7c2bac1d), alone in +-100000, by each kernel: %s\n",
           same ? "ok" : "WRONG", nonce, failures == failures_before ? "ok" : "FAILED");
}

static void check_edges(void) {
    const int failures_before = failures;
    uint8_t header[80];
    memset(header, 7, 80);
    uint32_t limbs[8];
    memset(limbs, 0xff, sizeof limbs);  // everything matches
    header_work hw;
    make_work(&hw, header, limbs);
    for (int k = 0; k < KERNEL_COUNT; k++) {
        uint32_t found[4] = {0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef};
        size_t a = kernels[k].scan(&hw.work, 0xfffffffeu, 0, found, 4);
        size_t b = kernels[k].scan(&hw.work, 0xfffffffeu, 1000, found, 0);
        size_t c = kernels[k].scan(&hw.work, 0xfffffffeu, 3, found, 4);
        int ok = a == 0 && b == 1000 && c == 3 && found[0] == 0xfffffffeu && found[1] == 0xffffffffu &&
                 found[2] == 0 && found[3] == 0xdeadbeef;
        if (!ok) kernels[k].other_failures++;
        CHECK(ok, "%s: zero count / zero capacity: %zu %zu %zu", kernels[k].name, a, b, c);
    }
    printf("zero count, zero capacity, 3 nonces across 2^32: %s\n", failures == failures_before ? "ok" : "FAILED");
}

// MARK: - The reference itself, and detection

static int digest_is(const char *msg, size_t len, const char *hex) {
    uint8_t digest[32], want[32];
    ref_sha256((const uint8_t *)msg, len, digest);
    hex_bytes(hex, want, 32);
    return memcmp(digest, want, 32) == 0;
}

static void check_reference(void) {
    // FIPS 180-4 example digests (NIST CSRC "Examples with intermediate values"): one block, two
    // blocks, and the empty message.
    CHECK(digest_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc)");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK(digest_is(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
          "sha256(448-bit message)");
    CHECK(digest_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256()");
}

static const char *feature_names(uint32_t f, char *buf, size_t size) {
    snprintf(buf, size, "%s%s%s%s%s", f & SM_CPU_NEON ? "neon " : "", f & SM_CPU_ARMSHA2 ? "armsha2 " : "",
             f & SM_CPU_AVX2 ? "avx2 " : "", f & SM_CPU_SHANI ? "shani " : "", f & SM_CPU_AVX512 ? "avx512 " : "");
    if (buf[0] == 0) snprintf(buf, size, "none");
    else buf[strlen(buf) - 1] = 0;
    return buf;
}

/// The kernel `--kernel auto` picks for these features (KernelSelection.preferenceOrder on ARM64:
/// armsha2, neon, swift).
static const char *auto_choice(uint32_t f) {
    return f & SM_CPU_ARMSHA2 ? "armsha2" : f & SM_CPU_NEON ? "neon" : "swift";
}

static const char *check_detection(void) {
    // The mapping from AT_HWCAP, with made-up values: every CPU qemu-user models has SHA2, so a
    // CPU without it is only seen here.
    const uint64_t asimd = 1u << 1, sha2 = 1u << 6;  // HWCAP_ASIMD, HWCAP_SHA2
    CHECK(sm_arm64_features_from_hwcap(0) == 0, "hwcap 0");
    CHECK(sm_arm64_features_from_hwcap(asimd) == SM_CPU_NEON, "hwcap asimd");
    CHECK(sm_arm64_features_from_hwcap(asimd | sha2) == (SM_CPU_NEON | SM_CPU_ARMSHA2), "hwcap asimd+sha2");
    CHECK(sm_arm64_features_from_hwcap(sha2) == 0, "hwcap sha2 without asimd");
    CHECK(strcmp(auto_choice(sm_arm64_features_from_hwcap(asimd)), "neon") == 0, "auto without sha2");
    char buf[64];
    uint64_t hwcap = 0;
#if defined(__aarch64__)
    hwcap = getauxval(AT_HWCAP);
#endif
    const uint32_t features = sm_cpu_features();
    CHECK(features == sm_arm64_features_from_hwcap(hwcap), "sm_cpu_features");
    CHECK((features & (SM_CPU_AVX2 | SM_CPU_SHANI | SM_CPU_AVX512)) == 0, "x86 features reported on ARM64");
    CHECK(sm_arm64_features_from_hwcap(hwcap & ~sha2) == (features & SM_CPU_NEON),
          "this CPU's hwcap without SHA2 -> neon only");
    printf("detection: AT_HWCAP 0x%" PRIx64 " -> features %s -> auto picks %s (without HWCAP_SHA2: %s)\n", hwcap,
           feature_names(features, buf, sizeof buf), auto_choice(features),
           auto_choice(sm_arm64_features_from_hwcap(hwcap & ~sha2)));
    // The x86 kernels are stubs here.
    uint32_t found[1];
    header_work hw;
    uint8_t header[80] = {0};
    uint32_t limbs[8];
    memset(limbs, 0xff, sizeof limbs);
    make_work(&hw, header, limbs);
    CHECK(sm_scan_avx2(&hw.work, 0, 10, found, 1) == 0 && sm_scan_shani(&hw.work, 0, 10, found, 1) == 0 &&
              sm_scan_avx512(&hw.work, 0, 10, found, 1) == 0,
          "x86 kernels are not stubs on ARM64");
    return auto_choice(features);
}

int main(int argc, char **argv) {
    const char *expect_auto = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--expect-auto") == 0 && i + 1 < argc) expect_auto = argv[++i];
        else { fprintf(stderr, "usage: %s [--expect-auto armsha2|neon|swift]\n", argv[0]); return 2; }
    }
    check_reference();
    const char *chosen = check_detection();
    if (expect_auto) CHECK(strcmp(chosen, expect_auto) == 0, "auto picks %s, expected %s", chosen, expect_auto);
    // Both kernels run whatever auto picks: NEON is on every CPU qemu models, and SHA2 too.
    const uint32_t features = sm_cpu_features();
    for (int k = 0; k < KERNEL_COUNT; k++) {
        if (!(features & kernels[k].feature)) {
            printf("FAIL: this CPU lacks %s, so it is not tested\n", kernels[k].name);
            failures++;
            kernels[k].scan = NULL;
        }
    }
    if (failures == 0) {
        check_random_cases();
        check_long_scans();
        check_genesis();
        check_edges();
    }
    printf("ARM64 kernel check:");
    for (int k = 0; k < KERNEL_COUNT; k++)
        printf(" %s %d cases, %d mismatches, %d other failures;", kernels[k].name, CASE_COUNT,
               kernels[k].mismatches, kernels[k].other_failures);
    printf(" auto picks %s; %s\n", chosen, failures == 0 ? "PASS" : "FAIL");
    return failures == 0 ? 0 : 1;
}
