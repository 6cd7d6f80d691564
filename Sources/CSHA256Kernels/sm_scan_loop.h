// The nonce-scanning loop of the SHA-instruction kernels, written once and included (last) by
// scan_shani.c (x86 SHA-NI) and scan_armsha2.c (ARMv8 SHA-256 instructions), as the lane-parallel
// SIMD kernels share sm_simd_body.h. Those kernels hash one nonce per pair of registers and
// interleave a few nonces in scalar order, so their loop differs from sm_simd_body.h's (one
// nonce per lane, a lane mask). The including file defines, before it includes this header:
//
//   SM_TARGET        the target attribute string, e.g. "sha,sse4.1"
//   SM_SCAN_NAME     the exported function name
//   SM_WAYS          nonces hashed side by side per loop body
//   SM_CONSTS        the type of the per-call constants (vectors built from sm_pre)
//   SM_CONSTS_INIT(pre, work, c)   fills *c from *pre and *work
//   SM_HASH_TOPS(c, nonces, top, n)
//                    hashes nonces[0..n-1] and writes, for each, the final digest word 7 into
//                    top[0..n-1]; n is SM_WAYS or 1, a compile-time constant at both calls, so
//                    that the kernel's always_inline lane code unrolls for it
//
// The function below carries the target attribute, and the kernel's lane code is always_inline
// with the same attribute, so it inlines into the loop and nothing crosses an ISA boundary. Per
// call: the scalar precomputation and the kernel's constants; then groups of SM_WAYS consecutive
// nonces, then the last count % SM_WAYS nonces one at a time. Nonces wrap at 2^32. A nonce whose
// byte-swapped digest word 7 is at most the target's top limb is verified in scalar code
// (sm_meets_target) and recorded. The text is the loop each kernel carried before it moved here,
// and clang 21 -O2 compiles both kernels to the same machine code as then (llvm-objdump, x86-64
// and aarch64). Sharing the group's check with the tail (one helper, with the branch hint)
// reallocated registers: 776 -> 780 instructions in armsha2's loop body, so the tail keeps its
// own two lines.
#include "sm_internal.h"

__attribute__((target(SM_TARGET)))
size_t SM_SCAN_NAME(const sm_work *work, uint32_t first_nonce, uint32_t count,
                    uint32_t *found, size_t found_capacity) {
    sm_pre pre;
    sm_precompute(work, &pre);
    SM_CONSTS c;
    SM_CONSTS_INIT(&pre, work, &c);
    const uint32_t target7 = pre.target7;
    size_t matches = 0;
    uint32_t base = first_nonce;
    uint64_t left = count;
    uint32_t nonces[SM_WAYS], top[SM_WAYS];
    while (left >= SM_WAYS) {
        for (int j = 0; j < SM_WAYS; j++) nonces[j] = base + (uint32_t)j;
        SM_HASH_TOPS(&c, nonces, top, SM_WAYS);
        for (int j = 0; j < SM_WAYS; j++) {
            if (__builtin_expect(__builtin_bswap32(top[j]) <= target7, 0) && sm_meets_target(work, nonces[j]))
                sm_record(nonces[j], found, found_capacity, &matches);
        }
        base += SM_WAYS;  // wraps at 2^32
        left -= SM_WAYS;
    }
    for (; left > 0; left--, base++) {
        nonces[0] = base;
        SM_HASH_TOPS(&c, nonces, top, 1);
        if (__builtin_bswap32(top[0]) <= target7 && sm_meets_target(work, base))
            sm_record(base, found, found_capacity, &matches);
    }
    return matches;
}
