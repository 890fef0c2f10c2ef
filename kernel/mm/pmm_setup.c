/*
 * pmm_setup.c - from the Multiboot information to a running frame allocator (kmain's memory map
 * and PMM step). The loader's addresses are physical: they are read through the boot map
 * (mm_phys_to_virt, the first 16 MiB at KERNEL_VIRT_BASE), where the loaders leave them.
 *
 *   1. the raw map: the Multiboot memory map (spec 0.6.96 section 3.3, flags bit 6), or, without
 *      one, the two ranges mem_lower/mem_upper describe (flags bit 0: [0, mem_lower KiB) and
 *      [1 MiB, 1 MiB + mem_upper KiB)); bootinfo_print has already printed the raw BIOS-e820 lines;
 *   2. memmap_sanitise, printed as `sanitised: [mem ...] <type>` lines (plus how much RAM above
 *      4 GiB was left out);
 *   3. the reservations, in this order (the first to take a frame counts it, see mm/pmm.h):
 *      kernel (linker symbols __kernel_start/__kernel_end, minus KERNEL_VIRT_BASE), multiboot-info (the structure where
 *      the loader put it: version 1's 116 bytes, or the whole Multiboot2 information, total_size
 *      bytes, whose tags hold the strings; its map and module list were rebuilt inside the
 *      kernel, kernel/core/bootinfo.c), mmap, cmdline, loader-name, modules (the module table), each module and
 *      its string, elf-shdr (flags bit 5: the section header table), drives (flags bit 7);
 *      the loader may put these anywhere (spec 3.3), so all are kept until the kernel has no
 *      more use for them;
 *   4. pmm_init places its bitmap clear of all of them and prints the reservation and summary
 *      lines.
 */
#include "kernel/mm/pmm_setup.h"
#include "kernel/core/bootinfo.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "mm/pmm.h"
#include "multiboot.h"
#include "x86.h"

/* Room for the fixed regions plus modules: two reservations each (module and its string); the
 * rest of a long module list is folded into one covering range (see add_modules). */
#define SETUP_MAX_REGIONS (PMM_MAX_RESERVATIONS - 2) /* pmm_init adds low-1mib and pmm-bitmap */

static struct memmap setup_map;
static struct memmap_scratch setup_scratch;
static struct memmap_range setup_raw[MEMMAP_MAX_RAW * 2];
static struct pmm_region setup_regions[SETUP_MAX_REGIONS];
static size_t setup_nregions;

static void add_region(const char *name, uint64_t start, uint64_t end)
{
	if (setup_nregions < SETUP_MAX_REGIONS)
		setup_regions[setup_nregions++] = (struct pmm_region){ name, start, end };
}

static void add_string(const char *name, uint32_t pa)
{
	add_region(name, pa, (uint64_t)pa + strlen((const char *)mm_phys_to_virt(pa)) + 1);
}

static void add_modules(const struct multiboot_info *mbi)
{
	const struct multiboot_module *mods = (const void *)mm_phys_to_virt(mbi->mods_addr);
	uint64_t lo = ~0ull, hi = 0;
	add_region("modules", mbi->mods_addr,
		   (uint64_t)mbi->mods_addr + mbi->mods_count * sizeof *mods);
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		uint64_t s = mods[i].mod_start, e = mods[i].mod_end;
		uint64_t ss = mods[i].string,
			 se = ss ? ss + strlen((const char *)mm_phys_to_virt(mods[i].string)) + 1 :
				   ss;
		if (setup_nregions + 2 < SETUP_MAX_REGIONS) {
			add_region("module", s, e);
			if (ss)
				add_region("module-string", ss, se);
			continue;
		}
		/* Out of slots: over-reserve one range covering every module and string left. */
		if (s < lo)
			lo = s;
		if (e > hi)
			hi = e;
		if (ss && ss < lo)
			lo = ss;
		if (se > hi)
			hi = se;
	}
	if (hi > lo) {
		kprintf("pmm_setup: too many modules for one reservation each; "
			"the rest share one\n");
		add_region("modules-rest", lo, hi);
	}
}

static size_t raw_from_mem_fields(const struct multiboot_info *mbi)
{
	kprintf("pmm_setup: no Multiboot memory map (flags bit 6); using mem_lower/mem_upper\n");
	setup_raw[0] = (struct memmap_range){ 0, (uint64_t)mbi->mem_lower << 10, MEMMAP_USABLE };
	setup_raw[1] = (struct memmap_range){ BIOS_LOW_END,
					      BIOS_LOW_END + ((uint64_t)mbi->mem_upper << 10),
					      MEMMAP_USABLE };
	return 2;
}

void pmm_setup(void)
{
	const struct multiboot_info *mbi = bootinfo_info();
	size_t n = 0, bad = 0;

	if (mbi->flags & MB_INFO_MEM_MAP) {
		n = memmap_parse_multiboot((const void *)mm_phys_to_virt(mbi->mmap_addr),
					   mbi->mmap_length, setup_raw, MEMMAP_MAX_RAW * 2, &bad);
		if (bad)
			kprintf("pmm_setup: memory map malformed after %u entries; using those\n",
				(unsigned)n);
		if (n > MEMMAP_MAX_RAW * 2) {
			/* Unseen entries could be reservations: claim nothing beyond those seen. */
			kprintf("pmm_setup: %u map entries, only the first %u read\n", (unsigned)n,
				(unsigned)(MEMMAP_MAX_RAW * 2));
			n = MEMMAP_MAX_RAW * 2;
		}
	} else if (mbi->flags & MB_INFO_MEMORY) {
		n = raw_from_mem_fields(mbi);
	}
	memmap_sanitise(&setup_map, setup_raw, n, &setup_scratch);
	memmap_print(&setup_map, "sanitised");

	setup_nregions = 0;
	add_region("kernel", KERNEL_PHYS(__kernel_start), KERNEL_PHYS(__kernel_end));
	add_region("multiboot-info", bootinfo_loader_address(),
		   (uint64_t)bootinfo_loader_address() + bootinfo_loader_size());
	if (mbi->flags & MB_INFO_MEM_MAP)
		add_region("mmap", mbi->mmap_addr, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
	if ((mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline)
		add_string("cmdline", mbi->cmdline);
	if ((mbi->flags & MB_INFO_LOADER_NAME) && mbi->boot_loader_name)
		add_string("loader-name", mbi->boot_loader_name);
	if (mbi->flags & MB_INFO_ELF_SHDR) /* syms = num, size, addr, shndx (spec 3.3) */
		add_region("elf-shdr", mbi->syms[2],
			   (uint64_t)mbi->syms[2] + (uint64_t)mbi->syms[0] * mbi->syms[1]);
	if (mbi->flags & MB_INFO_DRIVE_INFO)
		add_region("drives", mbi->drives_addr,
			   (uint64_t)mbi->drives_addr + mbi->drives_length);
	if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count)
		add_modules(mbi);

	pmm_init(&setup_map, setup_regions, setup_nregions);
}
