/*
 * bootinfo.h - what the Multiboot loader handed us: kept, checked, printed.
 *
 * bootinfo_save() copies the information structure (spec 3.3) into the kernel, so later code
 * can read it after the loader's memory is reused; the memory map itself stays where the loader
 * put it (mmap_addr), which the PMM reserves. A Multiboot2 boot (EAX 0x36D76289) is translated
 * into the same structure (kernel/core/bootinfo_mb2.h says how), so its readers need not know
 * which protocol ran. Every address in the structure is physical: the
 * kernel reads what they point at through the direct map (mm_phys_to_virt). bootinfo_mmap_walk() is the one bounds-checked
 * walk over that map, shared by the printer, the boot tests and the memory code.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>
#include "multiboot.h"

/* mbi_pa: the physical address EBX held at entry (read only when magic is one of the two). */
void bootinfo_save(uint32_t magic, uint32_t mbi_pa);
uint32_t bootinfo_magic(void);
/* True when bootinfo_save found something to use: the version 1 magic, or Multiboot2
 * information whose total_size passed its checks (the tags before a malformed one are used). */
bool bootinfo_usable(void);
/* Why the Multiboot2 walk stopped early, or NULL. */
const char *bootinfo_error(void);
/* The kernel's copy of the structure (valid after bootinfo_save with the right magic). */
const struct multiboot_info *bootinfo_info(void);
/* Where the loader put its information, and its size: the version 1 structure, or the
 * Multiboot2 information's total_size (the PMM reserves the whole). */
uint32_t bootinfo_loader_address(void);
uint32_t bootinfo_loader_size(void);

/* Print the loader name, command line, flags, mem_*, boot device and map (see docs/kernel.md). */
void bootinfo_print(void);

typedef void (*bootinfo_mmap_fn)(const struct multiboot_mmap_entry *entry, void *ctx);
/*
 * Call fn for each map entry in order, walking by size+4 (spec 3.3) and never reading past
 * mmap_length. Returns the number of entries visited; if the map is malformed (an entry's size
 * below 20 bytes or running past mmap_length) stops there and sets *error to a description
 * (else *error = NULL). Returns 0 with no error when flag 6 is absent.
 */
int bootinfo_mmap_walk(bootinfo_mmap_fn fn, void *ctx, const char **error);

/* The same walk over any buffer (len bytes at map): for tests and for copies of the map. */
int bootinfo_mmap_walk_buffer(const void *map, uint32_t len, bootinfo_mmap_fn fn, void *ctx,
			      const char **error);

/* "usable", "reserved", "ACPI data", "ACPI NVS", "unusable", or NULL for other types. */
const char *bootinfo_mmap_type_name(uint32_t type);

#endif
