/*
 * paging_setup.c - the paging steps of kmain: report the higher-half switch kernel/core/entry.asm
 * made, then build the kernel's own page tables and move onto them.
 *
 * When kmain runs, paging is already on: entry.asm built the first directory (mm/paging_boot.c:
 * physical [0, BOOT_MAP_PHYS_END) at KERNEL_VIRT_BASE, the kernel also at its physical address),
 * jumped high and dropped the identity entries, recording each step in boot_record;
 * paging_boot_report prints them. Until paging_init, mm_phys_to_virt reaches only the boot map:
 * the Multiboot data, the PMM bitmap and the frames taken for the new tables lie there.
 *
 * paging_init builds the kernel space with mm/paging.c: the direct map of physical
 * [4 KiB, min(top, DIRECT_MAP_PHYS_END)) at KERNEL_VIRT_BASE + pa, where top covers RAM, the
 * kernel, the PMM bitmap, VGA memory and the loader's structures. Page 0's alias stays unmapped.
 * Protections: the kernel's .boot alias, .text and .rodata read-only (CR0.WP binds ring 0), the
 * guard page below the boot stack unmapped, everything supervisor-only. Where CPUID reports PSE,
 * each 4 MiB chunk wholly inside a read/write piece is one 4 MiB page; without PSE (a 486) every
 * chunk gets a page table. The shared tables for the heap, the temporary windows and the kernel
 * window are created now, before any address space can copy the kernel's PDEs. Then CR3 moves
 * to the new directory (kernel/arch/x86/paging_enable.asm) and mm_phys_to_virt's limit becomes
 * DIRECT_MAP_PHYS_END. RAM above it stays with the PMM: kmap windows reach it (mm/kmap.h).
 *
 * Every page table is taken below the reachable limit (paging_alloc_zeroed_frame asks the PMM
 * for a frame below mm_direct_limit()), because the kernel edits tables through the direct map.
 */
#include "kernel/mm/paging_setup.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/core/bootinfo.h"
#include "kernel/core/boot_record.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/panic.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "x86.h"

static uint32_t direct_start, direct_end;
static bool paging_on, pse_on;

uint32_t paging_direct_start(void)
{
	return direct_start;
}
uint32_t paging_direct_end(void)
{
	return direct_end;
}
bool paging_enabled(void)
{
	return paging_on;
}
bool paging_uses_pse(void)
{
	return pse_on;
}

/* SDM 2A CPUID leaf 1, EDX bit 3: 4 MiB pages with CR4.PSE. A CPU without CPUID has no PSE. */
static bool cpu_has_pse(void)
{
	uint32_t a, b, c, d;

	if (!cpu_has_cpuid())
		return false;
	cpu_cpuid(0, &a, &b, &c, &d);
	if (a < 1)
		return false;
	cpu_cpuid(1, &a, &b, &c, &d);
	return (d & CPUID_EDX_PSE) != 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The end of everything that must stay reachable: RAM, the kernel, the PMM bitmap, VGA memory,
 * the loader's Multiboot structures (spec 3.3: anywhere in memory). */
static uint64_t direct_top(void)
{
	const struct multiboot_info *mbi = bootinfo_info();
	uint64_t top = (uint64_t)pmm_frames_covered() * PG_SIZE;

	top = max_u64(top, KERNEL_PHYS(__kernel_end));
	top = max_u64(top, (uint64_t)pmm_bitmap_phys() + pmm_bitmap_bytes());
	top = max_u64(top, VGA_TEXT_ADDR + VGA_TEXT_COLS * VGA_TEXT_ROWS * 2);
	top = max_u64(top, (uint64_t)bootinfo_loader_address() + bootinfo_loader_size());
	if (mbi->flags & MB_INFO_MEM_MAP)
		top = max_u64(top, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
	return PG_ROUND_UP(top);
}

/* Physical [start, end) into the direct map with flags. */
static void map_piece(const char *what, uintptr_t start, uintptr_t end, uint32_t flags)
{
	if (start >= end)
		return;
	int err = paging_map_direct(start, end, flags, pse_on);
	if (err)
		panic("paging: direct map of %s [mem 0x%08x-0x%08x] failed: %s", what,
		      (unsigned)start, (unsigned)end - 1, paging_strerror(err));
}

static void prealloc(const char *what, uint32_t start, uint32_t end)
{
	int err = paging_prealloc_tables(start, end);
	if (err)
		panic("paging: page tables for the %s [0x%08x-0x%08x] failed: %s", what,
		      (unsigned)start, (unsigned)end - 1, paging_strerror(err));
}

void paging_boot_report(void)
{
	const struct boot_record *r = &boot_record;
	kprintf("paging: boot directory at 0x%08x: [mem 0x%08x-0x%08x] mapped at 0x%08x, the "
		"kernel also at 0x%08x (identity, %u PDE%s)\n",
		(unsigned)r->pd, (unsigned)NULL_PAGE_END, (unsigned)BOOT_MAP_PHYS_END - 1,
		(unsigned)(KERNEL_VIRT_BASE + NULL_PAGE_END), (unsigned)KERNEL_PHYS(__kernel_start),
		(unsigned)r->ident, r->ident == 1 ? "" : "s");
	kprintf("paging: boot: cr3=0x%08x, cr0=0x%08x (PG WP): the next instruction ran at 0x%08x "
		"through the identity entries\n",
		(unsigned)r->pd, (unsigned)r->cr0, (unsigned)r->eip_low);
	kprintf("paging: boot: jumped to the higher half: running at 0x%08x\n",
		(unsigned)r->eip_high);
	kprintf("paging: boot: identity entries dropped (%u), TLB flushed: PDE 0 = 0x%08x, "
		"0x00000000-0x%08x not mapped\n",
		(unsigned)r->dropped, (unsigned)r->pde0, (unsigned)USER_END - 1);
}

void paging_init(void)
{
	uintptr_t text = (uintptr_t)__text_start, text_end = (uintptr_t)__text_end;
	uintptr_t ro = (uintptr_t)__rodata_start, ro_end = (uintptr_t)__rodata_end;
	uintptr_t guard = (uintptr_t)__stack_guard, stack = (uintptr_t)__stack_bottom;

	/* kernel.ld.S gives this order and page alignment; the pieces below rely on it. */
	if (!(KERNEL_VIRT_BASE + NULL_PAGE_END <= text && text < text_end && text_end <= ro &&
	      ro < ro_end && ro_end <= guard && guard + PG_SIZE == stack &&
	      PG_ALIGNED(text | text_end | ro | ro_end | guard)))
		panic("paging: unexpected kernel layout text=0x%08x-0x%08x rodata=0x%08x-0x%08x "
		      "guard=0x%08x stack=0x%08x",
		      (unsigned)text, (unsigned)text_end, (unsigned)ro, (unsigned)ro_end,
		      (unsigned)guard, (unsigned)stack);

	uint64_t top = direct_top();
	if (top > DIRECT_MAP_PHYS_END) {
		kprintf("paging: RAM above 0x%08x (%llu MiB) is not in the direct map: the kernel "
			"reaches it through kmap windows\n",
			(unsigned)DIRECT_MAP_PHYS_END,
			(unsigned long long)((top - DIRECT_MAP_PHYS_END) >> 20));
		top = DIRECT_MAP_PHYS_END;
	}

	pse_on = cpu_has_pse();
	int err = paging_kernel_create();
	if (err)
		panic("paging: no frame for the page directory: %s", paging_strerror(err));

	/* Physical pieces, in order; the kernel's are its high addresses minus KERNEL_VIRT_BASE. */
	map_piece("low memory", NULL_PAGE_END, KERNEL_PHYS(text), PTE_W);
	map_piece("kernel .boot and .text", KERNEL_PHYS(text), KERNEL_PHYS(text_end), 0);
	map_piece("the gap between .text and .rodata", KERNEL_PHYS(text_end), KERNEL_PHYS(ro),
		  PTE_W);
	map_piece("kernel .rodata", KERNEL_PHYS(ro), KERNEL_PHYS(ro_end), 0);
	map_piece("kernel .data and .bss", KERNEL_PHYS(ro_end), KERNEL_PHYS(guard), PTE_W);
	/* [guard, guard + 4 KiB) stays unmapped: a boot-stack overflow faults there. */
	map_piece("the boot stack and the RAM above the kernel", KERNEL_PHYS(stack), (uint32_t)top,
		  PTE_W);
	prealloc("kernel heap", KHEAP_START, KHEAP_END);
	prealloc("temporary windows", KMAP_START, KMAP_END);
	prealloc("kernel window", KWIN_START, KWIN_END);
	prealloc("process kernel stacks", KSTACK_START, KSTACK_END);
	direct_start = KERNEL_VIRT_BASE + NULL_PAGE_END;
	direct_end = KERNEL_VIRT_BASE + (uint32_t)top;

	vmspace_t pd = paging_kernel_space();
	kprintf("paging: 4 MiB pages %s (%u), kernel text+rodata read-only [mem 0x%08x-0x%08x] at "
		"0x%08x, stack guard page 0x%08x unmapped\n",
		pse_on ? "on" : "off: CPUID reports no PSE", paging_large_count(pd),
		(unsigned)KERNEL_PHYS(text), (unsigned)KERNEL_PHYS(ro_end) - 1, (unsigned)text,
		(unsigned)guard);
	paging_enable(pd, pse_on ? CR4_PSE : 0);
	mm_glue_set_direct_limit(DIRECT_MAP_PHYS_END);
	paging_on = true;
	kprintf("paging: on cr3=0x%08x direct=[mem 0x%08x-0x%08x] at 0x%08x-0x%08x tables=%u\n",
		(unsigned)cpu_read_cr3(), (unsigned)NULL_PAGE_END, (unsigned)top - 1,
		(unsigned)direct_start, (unsigned)direct_end - 1, paging_table_count(pd));

	pagefault_trigger_from_cmdline();
}
