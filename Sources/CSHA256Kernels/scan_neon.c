// NEON kernel (ARM64 Advanced SIMD): 4 nonces per uint32x4_t, one stream per loop body, the shared
// lane-parallel body of sm_simd_body.h over the vocabulary in sm_neon_vocabulary.h. For ARM64 CPUs
// without the SHA-256 instructions (which scan_armsha2.c uses); every ARMv8-A CPU that Linux runs
// on in practice has Advanced SIMD, and sm_cpu_features() still checks HWCAP_ASIMD.
//
// Not measured on ARM hardware: checked under qemu-aarch64 only (scripts/check-arm64-kernels.sh,
// which also prints these counts). llvm-objdump: 5,361 instructions per loop body of 4 nonces,
// 1,340 per nonce, 549 of them vector shifts (SHL / SRI / USHR) and about 1,290 vector
// instructions in all. Estimate for a Cortex-A76 (Raspberry Pi 5, 2.4 GHz), which has two 128-bit
// vector pipes: at best 2 vector instructions per cycle, ~645 cycles per nonce, so at most about
// 3.7 MH/s per core; a round's dependency chain (E: SHL, SRI, EOR, EOR, ADD, ADD, ~12 cycles at
// latency 2) is shorter than its ~22 cycles of issue, so the overlap this assumes is available.
#include "sm_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define SM_TARGET "neon"
#define SM_SCAN_NAME sm_scan_neon
#include "sm_neon_vocabulary.h"

#include "sm_simd_body.h"

#else

size_t sm_scan_neon(const sm_work *work, uint32_t first_nonce, uint32_t count,
                    uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
