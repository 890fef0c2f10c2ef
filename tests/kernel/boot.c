/*
 * boot.c - in-kernel suite `boot`: what the loader handed over, and the kernel base around it.
 *
 * Multiboot (spec 0.6.96 3.2, 3.3; or Multiboot2, translated into the same structure by
 * kernel/core/bootinfo_mb2.c): the magic, the Multiboot2 walk's end and the extent kept for the
 * PMM (its total_size), info flags 0
 * (mem_lower/mem_upper) and 6 (mmap), a non-empty, well-formed map, mem_lower at most 640 KiB, and mem_upper equal to the usable
 * RAM that starts at 1 MiB according to the map (how GRUB and QEMU derive it). Also the pieces
 * the rest of the kernel builds on: the linker's layout, the command line, 64-bit formatting
 * through libgcc, and the embedded symbol table.
 */
#include "kernel/core/bootinfo.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/main.h"
#include "kernel/debug/ksyms.h"
#include "kernel/debug/ktest.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "mm/mm_env.h"
#include "mmu.h"
#include "multiboot.h"
#include "multiboot2.h"
#include "x86.h"

#include <stddef.h>

struct boot_map_scan {
	int entries;
	int bad_size, zero_length, wraps;
	uint64_t upper_end; /* end of usable RAM contiguous from 1 MiB (0: none) */
};

static void boot_scan_entry(const struct multiboot_mmap_entry *e, void *ctx)
{
	struct boot_map_scan *scan = ctx;

	scan->entries++;
	if (e->size < MB_MMAP_ENTRY_SIZE - 4)
		scan->bad_size++;
	if (e->length == 0)
		scan->zero_length++;
	if (e->base_addr + e->length < e->base_addr)
		scan->wraps++;
}

/* Extend [BIOS_LOW_END, upper_end) with usable entries that touch it, until nothing grows. */
static void boot_extend_upper(const struct multiboot_mmap_entry *e, void *ctx)
{
	struct boot_map_scan *scan = ctx;
	uint64_t end = e->base_addr + e->length;

	if (e->type == MB_MEMORY_AVAILABLE && e->base_addr <= scan->upper_end &&
	    end > scan->upper_end)
		scan->upper_end = end;
}

static void boot_check_multiboot(void)
{
	const struct multiboot_info *mbi = bootinfo_info();
	struct boot_map_scan scan = { 0 };
	const char *error;
	int n;

	ktap_ok(bootinfo_magic() == MB_BOOTLOADER_MAGIC || bootinfo_magic() == MB2_BOOTLOADER_MAGIC,
		"magic 0x%08x is 0x2BADB002 (Multiboot) or 0x36D76289 (Multiboot2)",
		(unsigned)bootinfo_magic());
	ktap_ok(bootinfo_error() == NULL, "the Multiboot2 walk, if any, reached the end tag (%s)",
		bootinfo_error() ? bootinfo_error() : "no error");
	if (bootinfo_magic() == MB2_BOOTLOADER_MAGIC) {
		/* The extent the PMM keeps must be the information's own total_size (3.6.1), read
		 * here straight from the loader's memory, not the version 1 structure's size. */
		const uint32_t *fixed = mm_phys_to_virt(bootinfo_loader_address());
		ktap_ok(bootinfo_loader_size() == fixed[0] && fixed[0] >= 16,
			"Multiboot2 information at 0x%08x: %u bytes kept, total_size %u",
			(unsigned)bootinfo_loader_address(), (unsigned)bootinfo_loader_size(),
			(unsigned)fixed[0]);
	}
	ktap_ok(mbi->flags & MB_INFO_MEMORY, "info flag 0 (mem_lower/mem_upper) set, flags=0x%08x",
		(unsigned)mbi->flags);
	if (!ktap_ok(mbi->flags & MB_INFO_MEM_MAP, "info flag 6 (memory map) set"))
		return;
	n = bootinfo_mmap_walk(boot_scan_entry, &scan, &error);
	ktap_ok(error == NULL, "memory map walks cleanly to mmap_length=%u (%s)",
		(unsigned)mbi->mmap_length, error ? error : "no error");
	ktap_ok(n > 0 && n == scan.entries, "memory map is not empty (%d entries)", n);
	ktap_ok(scan.bad_size == 0 && scan.zero_length == 0 && scan.wraps == 0,
		"every entry well formed: %d short, %d zero-length, %d wrapping past 2^64",
		scan.bad_size, scan.zero_length, scan.wraps);
	ktap_ok(mbi->mem_lower <= 640, "mem_lower=%uKiB is at most 640 KiB",
		(unsigned)mbi->mem_lower);

	/* Grow from 1 MiB while a usable entry continues the range (entries may be unsorted). */
	scan.upper_end = BIOS_LOW_END;
	for (uint64_t before = 0; before != scan.upper_end;) {
		before = scan.upper_end;
		bootinfo_mmap_walk(boot_extend_upper, &scan, &error);
	}
	ktap_ok(scan.upper_end > BIOS_LOW_END, "the map has usable RAM starting at 1 MiB");
	ktap_ok((uint64_t)mbi->mem_upper * 1024 == scan.upper_end - BIOS_LOW_END,
		"mem_upper=%uKiB matches the map's usable RAM from 1 MiB to 0x%llx (%lluKiB)",
		(unsigned)mbi->mem_upper, (unsigned long long)scan.upper_end,
		(unsigned long long)((scan.upper_end - BIOS_LOW_END) / 1024));
}

static void boot_check_layout(void)
{
	uint32_t esp;

	__asm__ volatile("mov %%esp, %0" : "=r"(esp));
	ktap_ok(KERNEL_PHYS(__kernel_start) == BIOS_LOW_END &&
			(uintptr_t)__kernel_start == KERNEL_VIRT_BASE + BIOS_LOW_END,
		"kernel loaded at 1 MiB, linked at 0x%08x", (unsigned)(uintptr_t)__kernel_start);
	ktap_ok((uintptr_t)__text_start % PG_SIZE == 0 &&
			(uintptr_t)__rodata_start % PG_SIZE == 0 &&
			(uintptr_t)__data_start % PG_SIZE == 0 &&
			(uintptr_t)__bss_start % PG_SIZE == 0,
		"sections are page aligned");
	ktap_ok(__stack_bottom == __stack_guard + PG_SIZE &&
			(uintptr_t)__stack_top - (uintptr_t)__stack_bottom == KERNEL_STACK_SIZE,
		"16 KiB boot stack at 0x%08x with its guard page directly below",
		(unsigned)(uintptr_t)__stack_bottom);
	ktap_ok(esp > (uintptr_t)__stack_bottom && esp <= (uintptr_t)__stack_top,
		"running on the boot stack (esp=0x%08x)", (unsigned)esp);
}

static void boot_check_cmdline(void)
{
	ktap_ok(cmdline_get("test") != NULL, "cmdline_get(\"test\") finds the test= word");
	ktap_ok(!cmdline_has("test"), "cmdline_has(\"test\") is false for a key=value word");
	ktap_ok(cmdline_get("tes") == NULL && cmdline_get("test=") == NULL,
		"cmdline_get matches whole keys only");
}

static void boot_check_printf(void)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%llu %llx %lld", 18446744073709551615ULL, 0x123456789abcdefULL,
		  -9223372036854775807LL - 1);
	ktap_ok(strcmp(buf, "18446744073709551615 123456789abcdef -9223372036854775808") == 0,
		"64-bit formatting on i386 (libgcc division): \"%s\"", buf);
	ktap_ok(ksnprintf(buf, 4, "%08x", 0xdeadbeefu) == 8 && strcmp(buf, "dea") == 0,
		"ksnprintf truncates and returns the full length");
}

static void boot_check_symbols(void)
{
	uintptr_t off = 1;
	const char *name = ksym_lookup((uintptr_t)kmain + 5, &off);

	ktap_ok(name && strcmp(name, "kmain") == 0 && off == 5,
		"symbol table names kmain+5 (%s+0x%x)", name ? name : "(none)", (unsigned)off);
	name = mm_symbol_name((uintptr_t)ksym_lookup, &off);
	ktap_ok(name && strcmp(name, "ksym_lookup") == 0 && off == 0,
		"mm_symbol_name(ksym_lookup) = %s", name ? name : "(none)");
	ktap_ok(ksym_lookup((uintptr_t)__rodata_start, &off) == NULL,
		"no function name for a data address");
}

static void boot_suite(void)
{
	boot_check_multiboot();
	boot_check_layout();
	boot_check_cmdline();
	boot_check_printf();
	boot_check_symbols();
}
KTEST_SUITE("boot", boot_suite);
