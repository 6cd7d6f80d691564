// Test-only: the AVX-512 kernel's vocabulary and body compiled against plain-C definitions of
// the AVX-512 intrinsics it uses, so that tests can check the kernel's logic against the
// reference on CPUs without AVX-512. Never linked into the daemon.
#ifndef CAVX512EMULATION_H
#define CAVX512EMULATION_H

#include "CSHA256Kernels.h"

/// sm_scan_avx512 with every intrinsic emulated lane by lane (same contract, any CPU).
size_t sm_emu_scan_avx512(const sm_work *work, uint32_t first_nonce, uint32_t count,
                          uint32_t *found, size_t found_capacity);

/// vpternlogd on single 32-bit words, as emulated here (for checking the emulation itself
/// against the truth tables in the test).
uint32_t sm_emu_ternarylogic(uint32_t a, uint32_t b, uint32_t c, unsigned imm);

#endif
