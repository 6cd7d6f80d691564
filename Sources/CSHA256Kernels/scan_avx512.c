// AVX-512 kernel: sm_scan_avx512 runs this file's body (16 nonces per __m512i, one stream per loop
// body) or, on CPUs whose 512-bit instructions run as two halves (Zen 4), the pair body of
// scan_avx512_pair.c. Below: the single body (vocabulary in
// sm_avx512_vocabulary.h). The feature check also requires VL, which the attribute allows. About
// 205 vector instructions per nonce (objdump: 3,261 zmm instructions per loop body of 16) against
// ~790 for AVX2. `swiftminer bench --kernel avx512`, AMD EPYC Zen 5 (a 2-core VM, 3.2-3.9 GHz),
// median of 3: 56.3 MH/s on one thread, 111.8 on two (1.99x). Zen 5's vector integer latency (2
// cycles) makes a round's dependency chain, not the instruction count, the limit unless the
// message schedule overlaps the rounds: see RND and RND8 in sm_simd_body.h. Two streams per loop
// body (32 nonces) measured 42-44 MH/s: the unrolled body no longer fits the op cache.
//
// Round two (issue 15), measured in a C harness against the thread's CPU time, alternating, on
// the same VM while other builds shared the host (33 MH/s, ~108 cycles per nonce for all): new A
// as S0(a) + ((Maj - D) + new E) to cut A's dependency chain from four additions deep to three,
// the same with the inner sum pinned, and the textbook t1 + t2 round (3,146 zmm instructions
// instead of 3,261) all measured within 1% of this form, so the form stays. Under that load the
// kernel is throughput-bound and the chain lengths do not show; on a quiet core they may.
//
// On CPUs without AVX-512 the same vocabulary and body are still checked against the reference,
// by the test-only CAVX512Emulation target (plain-C definitions of these intrinsics).
#include "sm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define SM_TARGET "avx512f,avx512vl"
#define SM_SCAN_NAME sm_scan_avx512_single
#include "sm_avx512_vocabulary.h"

#include "sm_simd_body.h"

size_t sm_scan_avx512(const sm_work *work, uint32_t first_nonce, uint32_t count,
                      uint32_t *found, size_t found_capacity) {
    // Half-width AVX-512 (Zen 4) runs two vectors per loop body faster: scan_avx512_pair.c.
    if (sm_cpu_features() & SM_CPU_AVX512_HALF_WIDTH)
        return sm_scan_avx512_pair(work, first_nonce, count, found, found_capacity);
    return sm_scan_avx512_single(work, first_nonce, count, found, found_capacity);
}

#else

size_t sm_scan_avx512_single(const sm_work *work, uint32_t first_nonce, uint32_t count,
                             uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

size_t sm_scan_avx512(const sm_work *work, uint32_t first_nonce, uint32_t count,
                      uint32_t *found, size_t found_capacity) {
    (void)work; (void)first_nonce; (void)count; (void)found; (void)found_capacity;
    return 0;
}

#endif
