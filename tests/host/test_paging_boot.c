/*
 * test_paging_boot.c - host tests (cmocka, ASan, UBSan) on the simulated machine of
 * paging_sim.c for the higher-half bring-up (mm/paging_boot.c: the first directory with the
 * kernel at two addresses, then the identity entries dropped) and the kmap windows (mm/kmap.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/host/paging_sim.h"

/* ---- the higher-half bring-up (mm/paging_boot.c) ------------------------------------------ */

#define BOOT_PD     (PHYS_SIZE - 8 * PG_SIZE) /* fixed frames, as the kernel's .bss gives them */
#define BOOT_TABLES (PHYS_SIZE - 4 * PG_SIZE)
#define BOOT_NT     3 /* 12 MiB: fits the simulated RAM's tables */

static void boot_build(unsigned ident)
{
	memset(ram + BOOT_PD, 0xA5, PG_SIZE); /* dirty: the build must clear what it does not set */
	memset(ram + BOOT_TABLES, 0xA5, BOOT_NT * PG_SIZE);
	paging_boot_build((pde_t *)(ram + BOOT_PD), BOOT_PD, (pte_t *)(ram + BOOT_TABLES),
			  BOOT_TABLES, BOOT_NT, ident);
}

static void test_boot_two_spaces(void **state)
{
	(void)state;
	boot_build(1);
	const pde_t *pd = dir(BOOT_PD);
	uint32_t pa, fl;
	/* Directory: the identity PDE and the high PDEs share the tables; the rest is empty. */
	for (unsigned i = 0; i < BOOT_NT; i++)
		assert_int_equal(pd[PDX(KERNEL_VIRT_BASE) + i],
				 (BOOT_TABLES + i * PG_SIZE) | PTE_P | PTE_W);
	assert_int_equal(pd[0], pd[PDX(KERNEL_VIRT_BASE)]);
	assert_int_equal(pd[RECURSIVE_SLOT], BOOT_PD | PTE_P | PTE_W);
	unsigned present = 0;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		present += !!(pd[i] & PTE_P);
	assert_int_equal(present, 1 + BOOT_NT + 1);
	/* Every page: high = KERNEL_VIRT_BASE + pa for the whole boot map; identity only for the
	 * first 4 MiB chunk (the kernel's); page 0 at neither address. */
	for (uint32_t p = 0; p < BOOT_NT * LG_SIZE; p += PG_SIZE) {
		int high = vmspace_translate(BOOT_PD, KERNEL_VIRT_BASE + p, &pa, &fl);
		int low = vmspace_translate(BOOT_PD, p, NULL, NULL);
		if (p < NULL_PAGE_END) {
			assert_int_equal(high, PAGING_ENOENT);
			assert_int_equal(low, PAGING_ENOENT);
			continue;
		}
		assert_int_equal(high, PAGING_OK);
		assert_int_equal(pa, p);
		assert_int_equal(fl, PTE_P | PTE_W); /* supervisor: nothing is user-accessible */
		assert_int_equal(low, p < LG_SIZE ? PAGING_OK : PAGING_ENOENT);
	}
	assert_int_equal(vmspace_translate(BOOT_PD, KERNEL_VIRT_BASE + BOOT_NT * LG_SIZE, NULL,
					   NULL),
			 PAGING_ENOENT);
	/* The identity translation of the kernel's first page is the same frame as the high one. */
	uint32_t lo_pa, hi_pa;
	assert_int_equal(vmspace_translate(BOOT_PD, 0x100000, &lo_pa, NULL), PAGING_OK);
	assert_int_equal(vmspace_translate(BOOT_PD, 0xC0100000, &hi_pa, NULL), PAGING_OK);
	assert_int_equal(lo_pa, 0x100000);
	assert_int_equal(hi_pa, 0x100000);
	/* A kernel that spans two 4 MiB chunks gets two identity PDEs. */
	boot_build(2);
	assert_int_equal(vmspace_translate(BOOT_PD, LG_SIZE + 0x5000, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, LG_SIZE + 0x5000);
	assert_int_equal(vmspace_translate(BOOT_PD, 2 * LG_SIZE, NULL, NULL), PAGING_ENOENT);
}

static void test_boot_drop_identity(void **state)
{
	(void)state;
	boot_build(2);
	uint8_t tables_before[BOOT_NT * PG_SIZE];
	memcpy(tables_before, ram + BOOT_TABLES, sizeof tables_before);
	pde_t high_before[PT_ENTRIES - PDX(KERNEL_VIRT_BASE)];
	memcpy(high_before, dir(BOOT_PD) + PDX(KERNEL_VIRT_BASE), sizeof high_before);

	assert_int_equal(paging_boot_drop_identity((pde_t *)(ram + BOOT_PD)), 2);
	/* The low three gigabytes are empty: no PDE, so no page of it translates. */
	for (unsigned i = 0; i < PDX(KERNEL_VIRT_BASE); i++)
		assert_int_equal(dir(BOOT_PD)[i], 0);
	for (uint32_t va = 0; va < KERNEL_VIRT_BASE; va += 0x3FF000)
		assert_int_equal(vmspace_translate(BOOT_PD, va, NULL, NULL), PAGING_ENOENT);
	/* The high half is untouched: same PDEs, same tables, same translations. */
	assert_memory_equal(dir(BOOT_PD) + PDX(KERNEL_VIRT_BASE), high_before, sizeof high_before);
	assert_memory_equal(ram + BOOT_TABLES, tables_before, sizeof tables_before);
	uint32_t pa;
	for (uint32_t p = NULL_PAGE_END; p < BOOT_NT * LG_SIZE; p += 0x1000 * 97) {
		assert_int_equal(vmspace_translate(BOOT_PD, KERNEL_VIRT_BASE + p, &pa, NULL),
				 PAGING_OK);
		assert_int_equal(pa, p);
	}
	/* Dropping again finds nothing; the recursive slot is still the directory. */
	assert_int_equal(paging_boot_drop_identity((pde_t *)(ram + BOOT_PD)), 0);
	assert_int_equal(dir(BOOT_PD)[RECURSIVE_SLOT], BOOT_PD | PTE_P | PTE_W);
}

/* ---- temporary windows (mm/kmap.c) --------------------------------------------------------- */

static void test_kmap(void **state)
{
	(void)state;
	assert_int_equal(paging_prealloc_tables(KMAP_START, KMAP_END), PAGING_OK);
	uint32_t f = 0x300000, pa;
	void *w = kmap_window(f);
	uint32_t va = (uint32_t)(uintptr_t)w;
	assert_true(va >= KMAP_START && va < KMAP_END && PG_ALIGNED(va));
	assert_int_equal(paging_translate(va, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, f);
	assert_int_equal(kmap_in_use(), 1);
	invlpg_count = 0;
	kunmap(w);
	assert_int_equal(invlpg_count, 1);
	assert_int_equal(last_invlpg, va);
	assert_int_equal(paging_translate(va, NULL, NULL), PAGING_ENOENT);
	assert_int_equal(kmap_in_use(), 0);
	EXPECT_PANIC(kunmap(w), "not in use");
	EXPECT_PANIC(kmap_window(0x300010), "not a frame");
	/* kmap: below the direct-map limit the direct address, above it a window. */
	direct_limit = 0x400000;
	assert_ptr_equal(kmap(0x200000), ram + 0x200000);
	kunmap(ram + 0x200000); /* not a window: nothing to do */
	void *hw = kmap(0x800000);
	assert_true((uint32_t)(uintptr_t)hw >= KMAP_START && (uint32_t)(uintptr_t)hw < KMAP_END);
	assert_int_equal(paging_translate((uint32_t)(uintptr_t)hw, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, 0x800000);
	kunmap(hw);
	/* Every window taken: the next request gets NULL; one freed: it is reused. */
	void *all[KMAP_SLOTS];
	for (unsigned i = 0; i < KMAP_SLOTS; i++) {
		all[i] = kmap_window(0x100000 + (i % 64) * PG_SIZE);
		assert_non_null(all[i]);
	}
	assert_null(kmap_window(0x100000));
	kunmap(all[77]);
	assert_ptr_equal(kmap_window(0x500000), all[77]);
	assert_int_equal(paging_translate((uint32_t)(uintptr_t)all[77], &pa, NULL), PAGING_OK);
	assert_int_equal(pa, 0x500000);
	for (unsigned i = 0; i < KMAP_SLOTS; i++)
		kunmap(all[i]);
	assert_int_equal(kmap_in_use(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_boot_two_spaces, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_boot_drop_identity, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_kmap, paging_sim_setup, paging_sim_teardown),
	};
	return cmocka_run_group_tests_name("paging_boot", tests, NULL, NULL);
}
