/*
 * pmm_test_maps.c - the frame allocator tests' machines (pmm_test_maps.h).
 */
#include "tests/host/host_env.h"
#include "tests/host/pmm_test_maps.h"

struct memmap pmm_test_map;
static struct memmap_scratch scratch;

void pmm_test_set_map(const struct memmap_range *raw, size_t n)
{
	memmap_sanitise(&pmm_test_map, raw, n, &scratch);
}

void pmm_test_pc_map(phys_addr_t top)
{
	struct memmap_range raw[8];
	size_t n = 0;
	raw[n++] = (struct memmap_range){ 0, 0x9FC00, MEMMAP_USABLE };
	raw[n++] = (struct memmap_range){ 0x9FC00, 0xA0000, MEMMAP_RESERVED };
	raw[n++] = (struct memmap_range){ 0xF0000, 0x100000, MEMMAP_RESERVED };
	phys_addr_t ram_end = top > 3 * GiB ? 3 * GiB : top;
	raw[n++] = (struct memmap_range){ 1 * MiB, ram_end - 128 * KiB, MEMMAP_USABLE };
	raw[n++] = (struct memmap_range){ ram_end - 128 * KiB, ram_end, MEMMAP_ACPI_DATA };
	if (top > 3 * GiB) {
		raw[n++] = (struct memmap_range){ 0xFEC00000, 0xFEC01000, MEMMAP_RESERVED };
		raw[n++] = (struct memmap_range){ 0xFFFC0000, 4 * GiB, MEMMAP_RESERVED };
		raw[n++] =
			(struct memmap_range){ 4 * GiB, 4 * GiB + (top - 3 * GiB), MEMMAP_USABLE };
	}
	pmm_test_set_map(raw, n);
}

void pmm_test_init_quiet(const struct pmm_region *r, size_t n)
{
	host_log_quiet = true;
	host_log_clear();
	pmm_init(&pmm_test_map, r, n);
	host_log_quiet = false;
}
