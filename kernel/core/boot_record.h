/*
 * boot_record.h - what kernel/core/entry.asm recorded while switching to the higher half, before
 * any console existed; paging_boot_report (kernel/mm/paging_setup.c) prints it.
 *
 * entry.asm lays the fields out in this order (resd each); the asserts keep both in step.
 */
#ifndef KERNEL_CORE_BOOT_RECORD_H
#define KERNEL_CORE_BOOT_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct boot_record {
	uint32_t pd;       /* physical address of the first page directory */
	uint32_t ident;    /* identity PDEs built (the kernel's 4 MiB chunks) */
	uint32_t cr0;      /* CR0 read back right after the write that set PG and WP */
	uint32_t eip_low;  /* address of the instruction fetched right after the CR0 write */
	uint32_t eip_high; /* address of the first instruction after the jump high */
	uint32_t dropped;  /* identity PDEs found present and cleared */
	uint32_t pde0;     /* PDE 0 read back after the CR3 reload (0: dropped) */
};
_Static_assert(offsetof(struct boot_record, ident) == 4 && offsetof(struct boot_record, cr0) == 8 &&
		       offsetof(struct boot_record, eip_low) == 12 &&
		       offsetof(struct boot_record, eip_high) == 16 &&
		       offsetof(struct boot_record, dropped) == 20 &&
		       offsetof(struct boot_record, pde0) == 24 && sizeof(struct boot_record) == 28,
	       "entry.asm's boot_record layout");

extern struct boot_record boot_record;
/* The first directory itself (entry.asm, .bss). */
extern uint32_t boot_page_directory[];

#endif
