// A chain of dependent integer adds for estimating the core clock (`swiftminer bench` reports
// cycles per nonce from it): each add needs the previous one's result and a simple integer add
// has a latency of one cycle on the x86-64 and ARM64 cores we run on, so the chain runs at about
// one add per cycle whatever the core's width.
#include "sm_internal.h"

uint64_t sm_dependent_add_chain(uint64_t iterations) {
    uint64_t value = 0;
    uint64_t left = iterations / 4;
    if (left == 0) return 0;
#if defined(__x86_64__)
    __asm__ volatile(
        "1:\n\t"
        "add $1, %0\n\t"
        "add $1, %0\n\t"
        "add $1, %0\n\t"
        "add $1, %0\n\t"
        "dec %1\n\t"
        "jnz 1b"
        : "+r"(value), "+r"(left)
        :
        : "cc");
    return value;
#elif defined(__aarch64__)
    __asm__ volatile(
        "1:\n\t"
        "add %0, %0, #1\n\t"
        "add %0, %0, #1\n\t"
        "add %0, %0, #1\n\t"
        "add %0, %0, #1\n\t"
        "subs %1, %1, #1\n\t"
        "b.ne 1b"
        : "+r"(value), "+r"(left)
        :
        : "cc");
    return value;
#else
    (void)value;
    return 0;
#endif
}
