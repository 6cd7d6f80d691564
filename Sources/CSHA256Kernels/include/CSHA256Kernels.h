// ISA-specific SHA-256d nonce-scanning kernels and run-time CPU detection (x86-64: AVX-512,
// SHA-NI, AVX2; ARM64: the ARMv8 SHA-256 instructions, NEON).
//
// Each kernel scans `count` consecutive nonces starting at `first_nonce` (wrapping at 2^32)
// for one 80-byte block header described by `sm_work`, and writes into `found` (up to
// `found_capacity` entries) every nonce whose double SHA-256 meets the target. It returns the
// number of nonces found (which may exceed `found_capacity`; only the first `found_capacity` are
// written). Nonces are the header's uint32 value (as submitted in `mining.submit`); the header
// stores it little-endian, so the message word W[3] of the second SHA-256 block is bswap(nonce).
#ifndef CSHA256KERNELS_H
#define CSHA256KERNELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct sm_work {
    /// SHA-256 state after compressing header bytes 0..63 (standard big-endian word values).
    uint32_t midstate[8];
    /// Header bytes 64..75 read as three big-endian words: merkle root tail, ntime, nbits.
    uint32_t tail[3];
    /// Share target as eight 32-bit limbs of the 256-bit little-endian number, least
    /// significant first: target[7] is the most significant limb. A hash H (sha256d output
    /// read as a little-endian 256-bit number) meets the target iff H <= target.
    uint32_t target[8];
} sm_work;

/// Feature bits reported by sm_cpu_features().
enum {
    SM_CPU_AVX2 = 1u << 0,
    SM_CPU_SHANI = 1u << 1,
    SM_CPU_AVX512 = 1u << 2,  // AVX-512 F + VL (and BW where used)
    SM_CPU_NEON = 1u << 3,    // ARM64 Advanced SIMD (HWCAP_ASIMD)
    SM_CPU_ARMSHA2 = 1u << 4, // ARM64 SHA-256 instructions (HWCAP_SHA2, FEAT_SHA256) and NEON
    SM_CPU_AVX512_HALF_WIDTH = 1u << 5, // AVX-512 on 256-bit units (AMD Zen 4): sm_scan_avx512 takes its pair body
};

/// Whether a CPU of this vendor and family runs 512-bit instructions as two 256-bit halves
/// (is_amd: the CPUID vendor is AuthenticAMD; family: base plus extended family).
int sm_x86_avx512_is_half_width(int is_amd, uint32_t family);

/// Features of the CPU we run on that the kernels below need (including OS support).
uint32_t sm_cpu_features(void);

/// Each returns the number of matching nonces (see above). They must only be called when
/// sm_cpu_features() reports the feature; on other architectures they return 0 and do nothing
/// (the x86 kernels on ARM64, the ARM64 kernels on x86-64).
size_t sm_scan_avx2(const sm_work *work, uint32_t first_nonce, uint32_t count,
                    uint32_t *found, size_t found_capacity);
size_t sm_scan_shani(const sm_work *work, uint32_t first_nonce, uint32_t count,
                     uint32_t *found, size_t found_capacity);
size_t sm_scan_avx512(const sm_work *work, uint32_t first_nonce, uint32_t count,
                      uint32_t *found, size_t found_capacity);
/// The two bodies sm_scan_avx512 chooses from (same contract; exported for the tests): one
/// 16-lane vector per loop body, or two interleaved (32 nonces), which is the faster one where
/// 512-bit instructions run as two halves (SM_CPU_AVX512_HALF_WIDTH).
size_t sm_scan_avx512_single(const sm_work *work, uint32_t first_nonce, uint32_t count,
                             uint32_t *found, size_t found_capacity);
size_t sm_scan_avx512_pair(const sm_work *work, uint32_t first_nonce, uint32_t count,
                           uint32_t *found, size_t found_capacity);
size_t sm_scan_armsha2(const sm_work *work, uint32_t first_nonce, uint32_t count,
                       uint32_t *found, size_t found_capacity);
size_t sm_scan_neon(const sm_work *work, uint32_t first_nonce, uint32_t count,
                    uint32_t *found, size_t found_capacity);

/// Runs `iterations` (rounded down to a multiple of 4) dependent one-cycle integer adds and
/// returns the number run, 0 where no such loop exists for this architecture. Timing it gives
/// the core's clock (one add per cycle).
uint64_t sm_dependent_add_chain(uint64_t iterations);

#endif
