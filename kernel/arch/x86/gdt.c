/*
 * gdt.c - a flat GDT of our own, laid out as include/x86.h names the selectors.
 *
 * Multiboot (spec 3.2) leaves GDTR pointing wherever the loader had it, possibly into memory we
 * will reuse, so the kernel loads its own table first thing. Flat 4 GiB ring-0 code and data at
 * SEG_KCODE/SEG_KDATA, the same flat segments with DPL 3 for user programs at
 * SEG_UCODE/SEG_UDATA (paging, not segmentation, keeps them out of the kernel: its pages are
 * supervisor-only); the 16-bit entries the loader uses (SEG_RCODE16/SEG_RDATA16) are kept so a
 * selector means the same thing in loader and kernel. Descriptor format: SDM Vol. 3A 3.4.5.
 * The table is writable data: tss.c fills in the TSS descriptors at run time, and the CPU itself
 * writes the TSS busy bit on task switches (SDM 3A 7.2.2).
 */
#include "kernel/arch/x86/gdt.h"
#include "x86.h"

/*
 * Access byte: P=1, DPL=0, S=1 (code/data), type (SDM 3A table 3-1) with the accessed bit already
 * set, so the CPU never needs to write it on a segment load (SDM 3A 3.4.5.1).
 */
#define GDT_ACCESS_CODE  0x9B /* execute/read, accessed */
#define GDT_ACCESS_DATA  0x93 /* read/write, accessed */
#define GDT_ACCESS_UCODE 0xFB /* the same with DPL=3: ring 3 may load them (SDM 3A 5.5) */
#define GDT_ACCESS_UDATA 0xF3
/* Flags nibble: G=1 (4 KiB granularity), D/B=1 (32-bit); 16-bit entries use byte granularity. */
#define GDT_FLAGS_32     0xC
#define GDT_FLAGS_16     0x0
#define GDT_ACCESS_TSS32 0x89 /* P=1, DPL=0, S=0, type 9: 32-bit TSS, available */
#define GDT_FLAGS_TSS    0x0  /* byte granularity */

/* clang-format off */
#define GDT_ENTRY(base, limit, acc, flags) { \
	.limit_low = (limit) & 0xFFFF, .base_low = (base) & 0xFFFF, \
	.base_mid = ((base) >> 16) & 0xFF, .access = (acc), \
	.limit_flags = (((flags) << 4) | (((limit) >> 16) & 0xF)), \
	.base_high = ((base) >> 24) & 0xFF }

static struct gdt_entry gdt_table[GDT_ENTRIES] __attribute__((aligned(8))) = {
	[SEG_NULL >> 3]    = { 0 },
	[SEG_KCODE >> 3]   = GDT_ENTRY(0, 0xFFFFF, GDT_ACCESS_CODE, GDT_FLAGS_32),
	[SEG_KDATA >> 3]   = GDT_ENTRY(0, 0xFFFFF, GDT_ACCESS_DATA, GDT_FLAGS_32),
	[SEG_RCODE16 >> 3] = GDT_ENTRY(0, 0x0FFFF, GDT_ACCESS_CODE, GDT_FLAGS_16),
	[SEG_RDATA16 >> 3] = GDT_ENTRY(0, 0x0FFFF, GDT_ACCESS_DATA, GDT_FLAGS_16),
	[SEG_UCODE >> 3]   = GDT_ENTRY(0, 0xFFFFF, GDT_ACCESS_UCODE, GDT_FLAGS_32),
	[SEG_UDATA >> 3]   = GDT_ENTRY(0, 0xFFFFF, GDT_ACCESS_UDATA, GDT_FLAGS_32),
};
/* clang-format on */

_Static_assert(SEG_TSS_DFAULT >> 3 < GDT_ENTRIES && SEG_RDATA16 < SEG_TSS_MAIN, "GDT slots");
_Static_assert(SEG_UCODE >> 3 > SEG_TSS_DFAULT >> 3 && SEG_UDATA >> 3 < GDT_ENTRIES &&
		       (SEG_UCODE & SEG_RPL_MASK) == SEG_RPL_USER &&
		       (SEG_UDATA & SEG_RPL_MASK) == SEG_RPL_USER,
	       "user segments after the TSSs, with RPL 3");

void gdt_set_tss(unsigned selector, uint32_t base, uint32_t limit)
{
	gdt_table[selector >> 3] =
		(struct gdt_entry)GDT_ENTRY(base, limit, GDT_ACCESS_TSS32, GDT_FLAGS_TSS);
}

void gdt_init(void)
{
	static struct gdt_pointer ptr;

	ptr.limit = sizeof(gdt_table) - 1;
	ptr.base = (uint32_t)(uintptr_t)gdt_table;
	gdt_load(&ptr);
}
