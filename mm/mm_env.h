/*
 * mm_env.h - everything the generic memory code (mm/) needs from the world around it.
 *
 * mm/ is plain C that builds twice: into the kernel (i386, freestanding) and on the host (x86-64,
 * hosted, with sanitizers) for unit tests, fuzzing and benchmarks. It never includes a kernel or
 * arch header; it reaches the machine only through the functions declared here.
 *   kernel: kernel/mm/mm_glue.c implements them with kprintf, panic and the real CPU instructions;
 *   host:   tests/host/host_env.c implements them over an array standing in for physical RAM.
 */
#ifndef MM_MM_ENV_H
#define MM_MM_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu.h" /* PG_SIZE, PG_SHIFT: the frame and page size */
#include "x86.h" /* EFLAGS_IF, BIOS_LOW_END */

typedef uint64_t phys_addr_t; /* physical addresses in maps (the BIOS reports RAM above 4 GiB) */

/* Logging: printf-style, with standard C conversions (%llx with a cast for 64-bit values). */
void mm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fatal misuse or corruption: the message names the cause, the address and the caller. */
void mm_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Physical memory access: the direct map in the kernel (KERNEL_VIRT_BASE + pa, include/
 * vmlayout.h), an offset into simulated RAM on the host. Only for pa below mm_direct_limit()
 * (the kernel panics otherwise); any other frame is reached through kmap (mm/kmap.h). */
void *mm_phys_to_virt(uint32_t pa);
/* The end (exclusive) of the physical memory mm_phys_to_virt reaches right now, 0 for all of
 * it: the boot map's end until the kernel's own direct map is on, then DIRECT_MAP_PHYS_END.
 * Page tables are allocated below it. */
uint32_t mm_direct_limit(void);

/* CPU hooks used by mm/paging.c (no-ops or recorders on the host). */
void mm_load_cr3(uint32_t pa);
void mm_invlpg(uint32_t va);

/* Symbol lookup for reports: the name of the function containing addr, or NULL. */
const char *mm_symbol_name(uintptr_t addr, uintptr_t *offset);

/*
 * Interrupt exclusion for the allocators' public entry points (pmm_alloc_frame & co.,
 * heap_alloc & co.), so that an interrupt handler may allocate and free while the interrupted
 * code is inside the frame allocator or the heap. The kernel runs on one CPU, so keeping
 * interrupts off is the whole lock: save EFLAGS, CLI, and on the way out set IF again only if
 * it was set (Intel SDM Vol. 3A 6.8.1, masking maskable interrupts). Nesting is safe (an inner
 * pair finds IF clear and leaves it clear). On the host (tests, fuzzers, benchmarks: one
 * thread, no interrupts) both compile to nothing. Inline, so the fast paths pay a PUSHF/POP/CLI
 * and one test, and the host builds nothing at all.
 */
typedef unsigned long mm_irqflags_t;

static inline __attribute__((always_inline)) mm_irqflags_t mm_irq_save(void)
{
#if !__STDC_HOSTED__ && defined(__i386__)
	mm_irqflags_t f;
	__asm__ volatile("pushfl; popl %0; cli" : "=r"(f) : : "memory");
	return f;
#else
	return 0;
#endif
}

static inline __attribute__((always_inline)) void mm_irq_restore(mm_irqflags_t f)
{
#if !__STDC_HOSTED__ && defined(__i386__)
	if (f & EFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
#else
	(void)f;
#endif
}

#endif
