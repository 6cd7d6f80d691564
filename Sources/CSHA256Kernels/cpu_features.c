// Run-time CPU feature detection for the kernels. Baseline ISA only: CPUID / XGETBV on x86-64,
// the kernel's AT_HWCAP bits on ARM64 Linux.
#include "sm_internal.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// XCR0 (which register states the OS saves), or 0 when the OS has not enabled XSAVE.
static uint64_t sm_xcr0(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ecx & (1u << 27))) return 0;  // OSXSAVE
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/// The displayed family (base family plus extended family, as CPUID leaf 1 reports it).
static uint32_t sm_family(int *is_amd) {
    unsigned eax, ebx, ecx, edx;
    *is_amd = 0;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return 0;
    *is_amd = ebx == 0x68747541u && edx == 0x69746e65u && ecx == 0x444d4163u;  // "AuthenticAMD"
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const uint32_t base = (eax >> 8) & 0xf;
    return base == 0xf ? base + ((eax >> 20) & 0xff) : base;
}

static uint32_t sm_detect(void) {
    __builtin_cpu_init();
    uint64_t xcr0 = sm_xcr0();
    int ymm = (xcr0 & 0x6) == 0x6;           // SSE + AVX state
    int zmm = ymm && (xcr0 & 0xe0) == 0xe0;  // opmask + ZMM_Hi256 + Hi16_ZMM
    uint32_t features = 0;
    if (ymm && __builtin_cpu_supports("avx2")) features |= SM_CPU_AVX2;
    if (__builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1")) features |= SM_CPU_SHANI;
    if (zmm && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
        features |= SM_CPU_AVX512;
    int is_amd;
    const uint32_t family = sm_family(&is_amd);
    if ((features & SM_CPU_AVX512) && sm_x86_avx512_is_half_width(is_amd, family))
        features |= SM_CPU_AVX512_HALF_WIDTH;
    return features;
}

#elif defined(__aarch64__)
#if defined(__linux__)
#include <sys/auxv.h>
#endif

// Bits of AT_HWCAP on arm64 Linux (arch/arm64/include/uapi/asm/hwcap.h; glibc's <sys/auxv.h>
// defines them through <bits/hwcap.h>, musl's too). Defined here only if a libc lacks them.
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif

uint32_t sm_arm64_features_from_hwcap(uint64_t hwcap) {
    uint32_t features = 0;
    if (hwcap & HWCAP_ASIMD) {
        features |= SM_CPU_NEON;
        // The SHA-256 instructions work on the Advanced SIMD registers, so the armsha2 scan needs
        // both bits. Linux sets HWCAP_SHA2 when ID_AA64ISAR0_EL1.SHA2 is 0b0001 (FEAT_SHA256;
        // Documentation/arch/arm64/elf_hwcaps.rst).
        if (hwcap & HWCAP_SHA2) features |= SM_CPU_ARMSHA2;
    }
    return features;
}

#if defined(__linux__)
static uint32_t sm_detect(void) { return sm_arm64_features_from_hwcap((uint64_t)getauxval(AT_HWCAP)); }
#else
// Other ARM64 systems (macOS) have no AT_HWCAP; they get the Swift kernel until the ARM64 kernels
// are checked there.
static uint32_t sm_detect(void) { return 0; }
#endif

#else

static uint32_t sm_detect(void) { return 0; }

#endif

/// AMD family 0x19 (Zen 3 and Zen 4; only Zen 4 has AVX-512) runs each 512-bit instruction as two
/// 256-bit halves; Zen 5 (0x1a) and Intel's AVX-512 cores have full-width units.
int sm_x86_avx512_is_half_width(int is_amd, uint32_t family) { return is_amd && family == 0x19; }

uint32_t sm_cpu_features(void) {
    // Detection is idempotent, so a race between first callers only repeats it.
    static uint32_t cached;  // bit 31: valid
    uint32_t value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (!(value & 0x80000000u)) {
        value = sm_detect() | 0x80000000u;
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value & ~0x80000000u;
}

