/*
 * paging_setup.c - the paging step of kmain: build the kernel's page tables and switch paging on.
 *
 * What must stay reachable across the switch (SDM 3A 4.1, 9.9.1): the code doing it, its stack,
 * the page directory and tables, the consoles (VGA text at 0xB8000), the PMM bitmap, the
 * Multiboot information and memory map the loader left in low memory. All of it is RAM or the
 * first MiB, so the identity map is simply [4 KiB, top of RAM): page 0 stays unmapped so NULL
 * faults, and the same map is the kernel's direct map of every frame the PMM hands out (mm/ code
 * edits page tables through mm_phys_to_virt = identity; include/vmlayout.h). RAM above
 * KIDENT_END (3 GiB) is not mapped and is withdrawn from the PMM here, before any allocation.
 *
 * Protections: .text and .rodata read-only (CR0.WP makes that bind ring 0), the guard page below
 * the boot stack unmapped, everything supervisor-only. Where CPUID reports PSE, each 4 MiB chunk
 * wholly inside a read/write piece is one 4 MiB page (128 MiB of RAM: 1 table instead of 32);
 * without PSE (a 486) every chunk gets a page table. The kernel's shared tables for the heap and
 * the window are created now, before any address space can copy the kernel's PDEs.
 */
#include "kernel/mm/paging_setup.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/core/bootinfo.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/panic.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "x86.h"

static uint32_t ident_start, ident_end;
static bool paging_on, pse_on;

uint32_t paging_identity_start(void)
{
	return ident_start;
}
uint32_t paging_identity_end(void)
{
	return ident_end;
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
static uint64_t identity_top(void)
{
	const struct multiboot_info *mbi = bootinfo_info();
	uint64_t top = (uint64_t)pmm_frames_covered() * PG_SIZE;

	top = max_u64(top, (uintptr_t)__kernel_end);
	top = max_u64(top, (uint64_t)pmm_bitmap_phys() + pmm_bitmap_bytes());
	top = max_u64(top, VGA_TEXT_ADDR + VGA_TEXT_COLS * VGA_TEXT_ROWS * 2);
	top = max_u64(top, (uint64_t)bootinfo_loader_address() + sizeof(struct multiboot_info));
	if (mbi->flags & MB_INFO_MEM_MAP)
		top = max_u64(top, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
	return PG_ROUND_UP(top);
}

static void map_piece(const char *what, uintptr_t start, uintptr_t end, uint32_t flags)
{
	if (start >= end)
		return;
	int err = paging_map_identity(start, end, flags, pse_on);
	if (err)
		panic("paging: identity map of %s [mem 0x%08x-0x%08x] failed: %s", what,
		      (unsigned)start, (unsigned)end - 1, paging_strerror(err));
}

static void prealloc(const char *what, uint32_t start, uint32_t end)
{
	int err = paging_prealloc_tables(start, end);
	if (err)
		panic("paging: page tables for the %s [0x%08x-0x%08x] failed: %s", what,
		      (unsigned)start, (unsigned)end - 1, paging_strerror(err));
}

void paging_init(void)
{
	uintptr_t text = (uintptr_t)__text_start, text_end = (uintptr_t)__text_end;
	uintptr_t ro = (uintptr_t)__rodata_start, ro_end = (uintptr_t)__rodata_end;
	uintptr_t guard = (uintptr_t)__stack_guard, stack = (uintptr_t)__stack_bottom;

	/* kernel.ld.S gives this order and page alignment; the pieces below rely on it. */
	if (!(KIDENT_START <= text && text < text_end && text_end <= ro && ro < ro_end &&
	      ro_end <= guard && guard + PG_SIZE == stack &&
	      PG_ALIGNED(text | text_end | ro | ro_end | guard)))
		panic("paging: unexpected kernel layout text=0x%08x-0x%08x rodata=0x%08x-0x%08x "
		      "guard=0x%08x stack=0x%08x",
		      (unsigned)text, (unsigned)text_end, (unsigned)ro, (unsigned)ro_end,
		      (unsigned)guard, (unsigned)stack);

	uint64_t top = identity_top();
	if (top > KIDENT_END) {
		/* Only the direct map can reach a frame: keep the PMM from handing these out. */
		kprintf("paging: RAM above 0x%08x (%llu MiB) is not identity mapped: reserved\n",
			(unsigned)KIDENT_END, (unsigned long long)((top - KIDENT_END) >> 20));
		pmm_reserve_range("above-identity", KIDENT_END, top);
		top = KIDENT_END;
	}
	ident_start = KIDENT_START;
	ident_end = (uint32_t)top;

	pse_on = cpu_has_pse();
	int err = paging_kernel_create();
	if (err)
		panic("paging: no frame for the page directory: %s", paging_strerror(err));

	map_piece("low memory and the kernel's start", ident_start, text, PTE_W);
	map_piece("kernel .text", text, text_end, 0);
	map_piece("the gap between .text and .rodata", text_end, ro, PTE_W);
	map_piece("kernel .rodata", ro, ro_end, 0);
	map_piece("kernel .data and .bss", ro_end, guard, PTE_W);
	/* [guard, guard + 4 KiB) stays unmapped: a boot-stack overflow faults there. */
	map_piece("the boot stack and the RAM above the kernel", stack, ident_end, PTE_W);
	prealloc("kernel heap", KHEAP_START, KHEAP_END);
	prealloc("kernel window", KWIN_START, KWIN_END);

	vmspace_t pd = paging_kernel_space();
	kprintf("paging: 4 MiB pages %s (%u), kernel text+rodata read-only [mem 0x%08x-0x%08x], "
		"stack guard page 0x%08x unmapped\n",
		pse_on ? "on" : "off: CPUID reports no PSE", paging_large_count(pd), (unsigned)text,
		(unsigned)ro_end - 1, (unsigned)guard);
	paging_enable(pd, pse_on ? CR4_PSE : 0);
	paging_on = true;
	kprintf("paging: on cr3=0x%08x identity=[mem 0x%08x-0x%08x] tables=%u\n",
		(unsigned)cpu_read_cr3(), (unsigned)ident_start, (unsigned)ident_end - 1,
		paging_table_count(pd));

	pagefault_trigger_from_cmdline();
}
