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

/* Build the table and load it (called once from entry.asm, before kmain). */
void gdt_init(void);
/* entry.asm: LGDT and reload every segment register. */
void gdt_load(const struct gdt_pointer *ptr);

#endif
