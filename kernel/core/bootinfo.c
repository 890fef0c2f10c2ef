/*
 * bootinfo.c - keep and print the Multiboot information (spec 0.6.96 section 3.3), or the
 * Multiboot2 information (Multiboot2 Specification 2.0, 3.6) translated into the same structure.
 *
 * Under Multiboot2, kernel/core/bootinfo_mb2.c walks the tags (bounds-checked) and fills the
 * kernel's copy of the version 1 structure: its memory map and module list are rebuilt in the
 * kernel's own arrays below (their physical addresses go into mmap_addr and mods_addr), while the
 * strings stay inside the loader's information, which the PMM keeps whole (total_size bytes). So
 * everything after bootinfo_save reads one representation, whichever protocol booted us.
 *
 * The printed lines are a contract: the loader tests compare them between our loader and
 * QEMU's -kernel loader, and the map lines use Linux's format (arch/x86/kernel/e820.c,
 * e820__print_table), end inclusive:
 *   BIOS-e820: [mem 0x0000000000100000-0x0000000007fdffff] usable
 * We trust nothing beyond the spec: every field is printed only when its flag says it is valid,
 * and the map walk is bounds-checked against mmap_length.
 */
#include "kernel/core/bootinfo.h"
#include "kernel/core/bootinfo_mb2.h"
#include "kernel/core/cmdline.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "mm/mm_env.h"

#include <stddef.h>

static uint32_t boot_magic;
static uint32_t boot_mbi_address;
static uint32_t boot_mbi_size;
static bool boot_usable;
#define BOOTINFO_MODS_PRINT_MAX 64 /* a loader's absurd mods_count must not flood the console */

static struct multiboot_info boot_info;

/* Multiboot2: the translated map and module list (room for what version 1 loaders give: our
 * loader's 170 E820 entries at most, GRUB's few dozen), and how the walk ended. */
#define BOOTINFO_MB2_MMAP_MAX 256
#define BOOTINFO_MB2_MODS_MAX 64
static struct multiboot_mmap_entry boot_mb2_mmap[BOOTINFO_MB2_MMAP_MAX];
static struct multiboot_module boot_mb2_mods[BOOTINFO_MB2_MODS_MAX];
static struct bootinfo_mb2 boot_mb2;
static enum bootinfo_mb2_error boot_mb2_error;

static void bootinfo_save_mb2(uint32_t mbi_pa)
{
	/* Read only what the boot map reaches (mm_phys_to_virt's limit): the walk refuses a
	 * total_size beyond it. */
	uint32_t limit = mm_direct_limit();
	uint32_t readable = limit == 0 ? 0u - mbi_pa : mbi_pa < limit ? limit - mbi_pa : 0;

	boot_mb2 = (struct bootinfo_mb2){
		.base_pa = mbi_pa,
		.mmap = boot_mb2_mmap,
		.mmap_max = BOOTINFO_MB2_MMAP_MAX,
		.mods = boot_mb2_mods,
		.mods_max = BOOTINFO_MB2_MODS_MAX,
	};
	if (readable == 0) {
		boot_mb2_error = MB2_WALK_UNREADABLE;
		return;
	}
	boot_mb2_error = bootinfo_mb2_parse(mm_phys_to_virt(mbi_pa), readable, &boot_mb2);
	boot_info = boot_mb2.info;
	boot_info.mmap_addr = KERNEL_PHYS(boot_mb2_mmap);
	boot_info.mods_addr = KERNEL_PHYS(boot_mb2_mods);
	/* The tags before a malformed one are used; information whose own header (alignment,
	 * total_size) fails its checks gives nothing to use and no extent to reserve. */
	switch (boot_mb2_error) {
	case MB2_WALK_MISALIGNED:
	case MB2_WALK_UNREADABLE:
	case MB2_WALK_TOTAL_SHORT:
	case MB2_WALK_TOTAL_UNALIGNED:
		boot_usable = false;
		break;
	default:
		boot_usable = true;
		break;
	}
	boot_mbi_size = boot_usable ? boot_mb2.total_size : 0;
}

void bootinfo_save(uint32_t magic, uint32_t mbi_pa)
{
	boot_magic = magic;
	boot_mbi_address = mbi_pa;
	if (magic == MB_BOOTLOADER_MAGIC && mbi_pa) {
		boot_info = *(const struct multiboot_info *)mm_phys_to_virt(mbi_pa);
		boot_mbi_size = sizeof boot_info;
		boot_usable = true;
	} else if (magic == MB2_BOOTLOADER_MAGIC && mbi_pa) {
		bootinfo_save_mb2(mbi_pa);
	}
}

bool bootinfo_usable(void)
{
	return boot_usable;
}

const char *bootinfo_error(void)
{
	if (boot_magic == MB2_BOOTLOADER_MAGIC && boot_mb2_error != MB2_WALK_OK)
		return bootinfo_mb2_strerror(boot_mb2_error);
	return NULL;
}

uint32_t bootinfo_loader_size(void)
{
	return boot_mbi_size;
}

uint32_t bootinfo_magic(void)
{
	return boot_magic;
}

const struct multiboot_info *bootinfo_info(void)
{
	return &boot_info;
}

uint32_t bootinfo_loader_address(void)
{
	return boot_mbi_address;
}

const char *bootinfo_mmap_type_name(uint32_t type)
{
	/* clang-format off */
	switch (type) {
	case MB_MEMORY_AVAILABLE:    return "usable";
	case MB_MEMORY_RESERVED:     return "reserved";
	case MB_MEMORY_ACPI_RECLAIM: return "ACPI data";
	case MB_MEMORY_NVS:          return "ACPI NVS";
	case MB_MEMORY_BADRAM:       return "unusable";
	default:                     return NULL;
	}
	/* clang-format on */
}

int bootinfo_mmap_walk(bootinfo_mmap_fn fn, void *ctx, const char **error)
{
	*error = NULL;
	if (!(boot_info.flags & MB_INFO_MEM_MAP))
		return 0;
	return bootinfo_mmap_walk_buffer((const void *)mm_phys_to_virt(boot_info.mmap_addr),
					 boot_info.mmap_length, fn, ctx, error);
}

int bootinfo_mmap_walk_buffer(const void *buffer, uint32_t len, bootinfo_mmap_fn fn, void *ctx,
			      const char **error)
{
	/* The smallest entry the spec allows: base (8), length (8), type (4) after the size. */
	const uint32_t min_size = MB_MMAP_ENTRY_SIZE - 4;
	const uint8_t *map = buffer;
	uint32_t off = 0;
	int count = 0;

	*error = NULL;
	while (off < len) {
		const struct multiboot_mmap_entry *entry = (const void *)(map + off);

		if (len - off < 4) {
			*error = "trailing bytes shorter than an entry's size field";
			break;
		}
		if (entry->size < min_size) {
			*error = "entry size below 20 bytes";
			break;
		}
		if (entry->size > len - off - 4) {
			*error = "entry runs past mmap_length";
			break;
		}
		if (fn)
			fn(entry, ctx);
		count++;
		off += entry->size + 4;
	}
	return count;
}

static void bootinfo_print_entry(const struct multiboot_mmap_entry *entry, void *ctx)
{
	const char *name = bootinfo_mmap_type_name(entry->type);
	unsigned long long base = entry->base_addr, end = base + entry->length - 1;

	(void)ctx;
	if (entry->length == 0)
		end = base; /* printed as given; the sanitiser drops it */
	kprintf("BIOS-e820: [mem 0x%016llx-0x%016llx] ", base, end);
	if (name)
		kprintf("%s", name);
	else
		kprintf("type %u", (unsigned)entry->type);
	if (entry->length == 0)
		kprintf(" (zero length)");
	else if (end < base)
		kprintf(" (wraps past 2^64)");
	kprintf("\n");
}

/* The protocol line, and under Multiboot2 what the walk found beyond the translation. */
static void bootinfo_print_protocol(void)
{
	if (boot_magic == MB_BOOTLOADER_MAGIC) {
		kprintf("multiboot: protocol multiboot, information at 0x%08x\n",
			(unsigned)boot_mbi_address);
		return;
	}
	kprintf("multiboot: protocol multiboot2, information at 0x%08x, %u bytes, %u tags\n",
		(unsigned)boot_mbi_address, (unsigned)boot_mb2.total_size, (unsigned)boot_mb2.tags);
	if (boot_mb2_error != MB2_WALK_OK)
		kprintf("multiboot: Multiboot2 information malformed at offset 0x%x: %s; "
			"using the %u tags before it\n",
			(unsigned)boot_mb2.where, bootinfo_mb2_strerror(boot_mb2_error),
			(unsigned)boot_mb2.tags);
	if (boot_mb2.mmap_dropped)
		kprintf("multiboot: %u memory map entries beyond the first %u dropped\n",
			(unsigned)boot_mb2.mmap_dropped, (unsigned)BOOTINFO_MB2_MMAP_MAX);
	if (boot_mb2.mods_dropped)
		kprintf("multiboot: %u modules beyond the first %u dropped\n",
			(unsigned)boot_mb2.mods_dropped, (unsigned)BOOTINFO_MB2_MODS_MAX);
}

void bootinfo_print(void)
{
	const struct multiboot_info *mbi = &boot_info;
	const char *error;
	int n;

	bootinfo_print_protocol();

	if (mbi->flags & MB_INFO_LOADER_NAME)
		kprintf("multiboot: loader \"%s\"\n",
			(const char *)mm_phys_to_virt(mbi->boot_loader_name));
	else
		kprintf("multiboot: loader (none)\n");
	if (mbi->flags & MB_INFO_CMDLINE)
		kprintf("multiboot: cmdline \"%s\"\n", (const char *)mm_phys_to_virt(mbi->cmdline));
	if (cmdline_truncated())
		kprintf("multiboot: cmdline longer than %u characters: the kernel uses the "
			"first %u\n",
			CMDLINE_MAX - 1, CMDLINE_MAX - 1);
	kprintf("multiboot: flags=0x%08x\n", (unsigned)mbi->flags);
	if (mbi->flags & MB_INFO_MEMORY)
		kprintf("multiboot: mem_lower=%uKiB mem_upper=%uKiB\n", (unsigned)mbi->mem_lower,
			(unsigned)mbi->mem_upper);
	if (mbi->flags & MB_INFO_BOOTDEV)
		kprintf("multiboot: boot_device=0x%08x\n", (unsigned)mbi->boot_device);
	if (mbi->flags & MB_INFO_MODS) {
		const struct multiboot_module *mods = (const void *)mm_phys_to_virt(mbi->mods_addr);

		kprintf("multiboot: mods_count=%u\n", (unsigned)mbi->mods_count);
		for (uint32_t i = 0; i < mbi->mods_count && i < BOOTINFO_MODS_PRINT_MAX; i++)
			kprintf("multiboot: module %u at 0x%08x, %u bytes, \"%s\"\n", (unsigned)i,
				(unsigned)mods[i].mod_start,
				(unsigned)(mods[i].mod_end - mods[i].mod_start),
				mods[i].string ? (const char *)mm_phys_to_virt(mods[i].string) :
						 "");
		if (mbi->mods_count > BOOTINFO_MODS_PRINT_MAX)
			kprintf("multiboot: (%u more modules not listed)\n",
				(unsigned)(mbi->mods_count - BOOTINFO_MODS_PRINT_MAX));
	}
	if (!(mbi->flags & MB_INFO_MEM_MAP)) {
		kprintf("multiboot: no memory map (flag 6 clear)\n");
		return;
	}
	n = bootinfo_mmap_walk(bootinfo_print_entry, NULL, &error);
	if (error)
		kprintf("multiboot: memory map malformed after %d entries "
			"(mmap_addr=0x%08x mmap_length=%u): %s\n",
			n, (unsigned)mbi->mmap_addr, (unsigned)mbi->mmap_length, error);
}
