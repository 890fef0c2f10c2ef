/*
 * gdt.h - the kernel's flat Global Descriptor Table (SDM Vol. 3A 3.4.5).
 */
#ifndef KERNEL_ARCH_X86_GDT_H
#define KERNEL_ARCH_X86_GDT_H

#include <stdint.h>

struct gdt_entry {
	uint16_t limit_low;
	uint16_t base_low;
	uint8_t base_mid;
	uint8_t access;      /* P, DPL, S, type */
	uint8_t limit_flags; /* G, D/B, L, AVL, limit 19:16 */
	uint8_t base_high;
} __attribute__((packed));
_Static_assert(sizeof(struct gdt_entry) == 8, "a GDT descriptor is 8 bytes (SDM 3A 3.4.5)");

struct gdt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct gdt_pointer) == 6, "GDTR image is 6 bytes (SDM 3A 2.4.1)");

/*
 * Kernel-only selectors after the shared ones of include/x86.h (the loader never uses these):
 * two 32-bit TSS descriptors for the double-fault task (tss.c).
 */
#define SEG_TSS_MAIN   0x28 /* TR: the CPU saves the interrupted state here on a task switch */
#define SEG_TSS_DFAULT 0x30 /* the double-fault task, reached through the task gate at vector 8 */
#define GDT_ENTRIES    9    /* the user segments (include/x86.h) follow the TSSs */

/* Build the table and load it (called once from entry.asm, before kmain). */
void gdt_init(void);
/* Point a GDT slot at a TSS (32-bit available TSS, byte-granular limit; SDM 3A 7.2.2). */
void gdt_set_tss(unsigned selector, uint32_t base, uint32_t limit);
/* entry.asm: LGDT and reload every segment register. */
void gdt_load(const struct gdt_pointer *ptr);

#endif
