/*
 * test_paging.c - host tests (cmocka, ASan, UBSan) for the kernel space of mm/paging.c and for
 * mm/paging_describe.c, on the simulated machine of paging_sim.c: create, map, translate, unmap,
 * protect (with the INVLPGs each needs), the direct map in large and small pages, page tables
 * below the direct-map limit, the recursive slot, preallocated tables, flag words. The
 * higher-half bring-up and kmap are in test_paging_boot.c, address spaces in test_vmspace.c.
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

/* ---- the kernel space -------------------------------------------------------------------- */

static void test_kernel_create(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	assert_true(k >= FIRST_FRAME * PG_SIZE && k % PG_SIZE == 0);
	assert_int_equal(paging_current_space(), k);
	/* Cleared (the allocator handed it out dirty) except the recursive slot. */
	for (unsigned i = 0; i < RECURSIVE_SLOT; i++)
		assert_int_equal(dir(k)[i], 0);
	assert_int_equal(dir(k)[RECURSIVE_SLOT], k | PTE_P | PTE_W);
	assert_int_equal(paging_table_count(k), 0);
	assert_int_equal(pmm_free_count(), FRAMES - FIRST_FRAME - 1);
}

static void test_map_translate(void **state)
{
	(void)state;
	uint32_t pa, fl;
	assert_int_equal(paging_translate(KHEAP_START, &pa, &fl), PAGING_ENOENT);
	assert_int_equal(paging_map(KHEAP_START, 0x345000, PTE_W), PAGING_OK);
	assert_int_equal(paging_translate(KHEAP_START + 0x123, &pa, &fl), PAGING_OK);
	assert_int_equal(pa, 0x345123);
	assert_int_equal(fl, PTE_P | PTE_W);
	/* Exactly one table appeared, its PDE supervisor and writable; the neighbour is unmapped. */
	assert_int_equal(paging_table_count(paging_kernel_space()), 1);
	pde_t pde = paging_get_pde(paging_kernel_space(), KHEAP_START);
	assert_int_equal(PTE_FLAGS(pde), PTE_P | PTE_W);
	assert_int_equal(paging_translate(KHEAP_START + PG_SIZE, &pa, &fl), PAGING_ENOENT);
	pte_t pte;
	assert_true(paging_get_pte(paging_kernel_space(), KHEAP_START, &pte));
	assert_int_equal(pte, 0x345000 | PTE_P | PTE_W);
	/* The table is reached through simulated RAM: the PTE is where the walk says. */
	const pte_t *table = (const pte_t *)(ram + PTE_ADDR(pde));
	assert_int_equal(table[PTX(KHEAP_START)], pte);
	/* Read-only mapping, a second table for another PDE. */
	assert_int_equal(paging_map(KWIN_START + 5 * PG_SIZE, 0x200000, 0), PAGING_OK);
	assert_int_equal(paging_translate(KWIN_START + 5 * PG_SIZE, &pa, &fl), PAGING_OK);
	assert_int_equal(pa, 0x200000);
	assert_int_equal(fl, PTE_P);
	assert_int_equal(paging_table_count(paging_kernel_space()), 2);
	/* Mapping a not-present entry needs no TLB invalidation. */
	assert_int_equal(invlpg_count, 0);
}

static void test_map_errors(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	assert_int_equal(paging_map(KHEAP_START + 1, 0x300000, PTE_W), PAGING_EINVAL);
	assert_int_equal(paging_map(KHEAP_START, 0x300010, PTE_W), PAGING_EINVAL);
	assert_int_equal(paging_map(0, 0x300000, PTE_W), PAGING_EINVAL);            /* page 0 */
	assert_int_equal(paging_map(RECURSIVE_PD, 0x300000, PTE_W), PAGING_EINVAL); /* slot */
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_U), PAGING_EINVAL); /* U in kernel */
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_PS),
			 PAGING_EINVAL); /* unknown flag */
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_P | PTE_A), PAGING_EINVAL);
	assert_int_equal(vmspace_map(k, UVA, 0x300000, PTE_W), PAGING_ERANGE); /* user range */
	assert_int_equal(vmspace_map(k, USER_END - PG_SIZE, 0x300000, PTE_W), PAGING_ERANGE);
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_W), PAGING_OK);
	assert_int_equal(paging_map(KHEAP_START, 0x301000, PTE_W), PAGING_EEXIST);
	uint32_t pa;
	assert_int_equal(paging_translate(KHEAP_START, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, 0x300000); /* the failed remap left the first mapping alone */
	for (int e = PAGING_OK; e >= PAGING_ERANGE; e--)
		assert_string_not_equal(paging_strerror(e), "unknown paging error");
	assert_string_equal(paging_strerror(42), "unknown paging error");
}

static void test_unmap(void **state)
{
	(void)state;
	assert_int_equal(paging_unmap(KHEAP_START), PAGING_ENOENT); /* no table yet */
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_W), PAGING_OK);
	assert_int_equal(paging_unmap(KHEAP_START + PG_SIZE), PAGING_ENOENT); /* table, no page */
	assert_int_equal(invlpg_count, 0);
	size_t before = pmm_free_count();
	assert_int_equal(paging_unmap(KHEAP_START), PAGING_OK);
	assert_int_equal(invlpg_count, 1);
	assert_int_equal(last_invlpg, KHEAP_START);
	assert_int_equal(paging_translate(KHEAP_START, NULL, NULL), PAGING_ENOENT);
	assert_int_equal(paging_unmap(KHEAP_START), PAGING_ENOENT);
	assert_int_equal(pmm_free_count(), before); /* not owned: the frame stays the caller's */
	assert_int_equal(paging_unmap(KHEAP_START + 1), PAGING_EINVAL);
	/* Remap the same page to another frame: translate sees the new frame. */
	assert_int_equal(paging_map(KHEAP_START, 0x400000, PTE_W), PAGING_OK);
	uint32_t pa;
	assert_int_equal(paging_translate(KHEAP_START, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, 0x400000);
}

static void test_protect(void **state)
{
	(void)state;
	uint32_t pa, fl;
	assert_int_equal(paging_protect(KHEAP_START, 0), PAGING_ENOENT);
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_W), PAGING_OK);
	assert_int_equal(paging_protect(KHEAP_START, 0), PAGING_OK);
	assert_int_equal(last_invlpg, KHEAP_START);
	assert_int_equal(invlpg_count, 1);
	assert_int_equal(paging_translate(KHEAP_START, &pa, &fl), PAGING_OK);
	assert_int_equal(pa, 0x300000);
	assert_int_equal(fl, PTE_P);
	assert_int_equal(paging_protect(KHEAP_START, PTE_W | PTE_PCD), PAGING_OK);
	assert_int_equal(paging_translate(KHEAP_START, &pa, &fl), PAGING_OK);
	assert_int_equal(fl, PTE_P | PTE_W | PTE_PCD);
	assert_int_equal(paging_protect(KHEAP_START, PTE_U), PAGING_EINVAL);
	assert_int_equal(paging_protect(KHEAP_START, PTE_OWNED), PAGING_EINVAL);
	assert_int_equal(paging_protect(KHEAP_START + 8, 0), PAGING_EINVAL);
}

static void test_direct_large(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	const uint32_t end = 16u << 20;
	assert_int_equal(paging_map_direct(NULL_PAGE_END, end, PTE_W, true), PAGING_OK);
	/* Chunk 0 holds page 0 (never mapped), so it needs a table; chunks 1-3 are 4 MiB pages. */
	assert_int_equal(paging_table_count(k), 1);
	assert_int_equal(paging_large_count(k), 3);
	uint32_t pa, fl;
	assert_int_equal(paging_translate(DM(0), &pa, &fl), PAGING_ENOENT);
	for (uint32_t p = NULL_PAGE_END; p < end; p += 0x1F3000) {
		assert_int_equal(paging_translate(DM(p) + 0x7B, &pa, &fl), PAGING_OK);
		assert_int_equal(pa, p + 0x7B);
		assert_true(fl & PTE_W);
		assert_false(fl & PTE_U);
		assert_int_equal(!!(fl & PTE_PS), p >= LG_SIZE);
		/* Nothing at the physical address itself: the user range stays empty. */
		assert_int_equal(paging_translate(p, NULL, NULL), PAGING_ENOENT);
	}
	assert_int_equal(paging_translate(DM(end), &pa, &fl), PAGING_ENOENT);
	for (unsigned i = 0; i < PDX(KERNEL_VIRT_BASE); i++)
		assert_int_equal(dir(k)[i], 0);
	assert_int_equal(dir(k)[PDX(DM(LG_SIZE))], LG_SIZE | PTE_P | PTE_W | PTE_PS);
	/* Only translate handles a 4 MiB page. */
	assert_int_equal(paging_protect(DM(LG_SIZE + PG_SIZE), 0), PAGING_ELARGE);
	assert_int_equal(paging_unmap(DM(LG_SIZE)), PAGING_ELARGE);
	assert_int_equal(paging_map(DM(2 * LG_SIZE), 0x1000, 0), PAGING_ELARGE);
	pte_t pte;
	assert_false(paging_get_pte(k, DM(LG_SIZE), &pte));
	/* 4 KiB pages inside chunk 0 can be protected (kernel text read-only). */
	assert_int_equal(paging_protect(DM(0x100000), 0), PAGING_OK);
	assert_int_equal(paging_translate(DM(0x100000), &pa, &fl), PAGING_OK);
	assert_int_equal(fl, PTE_P);
	/* Overlapping ranges, page 0, beyond the limit, user flag: refused. */
	assert_int_equal(paging_map_direct(0x2000, 0x3000, PTE_W, false), PAGING_EEXIST);
	assert_int_equal(paging_map_direct(0, 0x3000, PTE_W, false), PAGING_EINVAL);
	assert_int_equal(paging_map_direct(0x1000, DIRECT_MAP_PHYS_END + PG_SIZE, 0, false),
			 PAGING_EINVAL);
	assert_int_equal(paging_map_direct(0x1000, 0x2000, PTE_U, false), PAGING_EINVAL);
	/* The top of the direct map: the last page before the guard PDE. */
	assert_int_equal(paging_map_direct(DIRECT_MAP_PHYS_END - PG_SIZE, DIRECT_MAP_PHYS_END, 0,
					   false),
			 PAGING_OK);
	assert_int_equal(paging_translate(DIRECT_MAP_END - PG_SIZE, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, DIRECT_MAP_PHYS_END - PG_SIZE);
}

static void test_direct_small(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	/* The 4 KiB path (CPUs without PSE): one table per 4 MiB, no large PDE. */
	assert_int_equal(paging_map_direct(NULL_PAGE_END, 12u << 20, PTE_W, false), PAGING_OK);
	assert_int_equal(paging_table_count(k), 3);
	assert_int_equal(paging_large_count(k), 0);
	uint32_t pa, fl;
	for (uint32_t p = NULL_PAGE_END; p < (12u << 20); p += PG_SIZE) {
		assert_int_equal(paging_translate(DM(p), &pa, &fl), PAGING_OK);
		assert_int_equal(pa, p);
		assert_int_equal(fl, PTE_P | PTE_W);
	}
	/* Pieces with different rights meet inside a chunk: the same table serves both. */
	assert_int_equal(paging_map_direct(12u << 20, 13u << 20, 0, true), PAGING_OK);
	assert_int_equal(paging_map_direct(13u << 20, 16u << 20, PTE_W, true), PAGING_OK);
	assert_int_equal(paging_table_count(k), 4);
	assert_int_equal(paging_large_count(k), 0);
	assert_int_equal(paging_translate(DM(12u << 20), &pa, &fl), PAGING_OK);
	assert_int_equal(fl, PTE_P);
}

/* Page tables come from below mm_direct_limit(): the kernel edits them through the direct map. */
static void test_tables_below_limit(void **state)
{
	(void)state;
	direct_limit = 0x180000; /* frames from 1 MiB: only 128 below the limit */
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	for (uint32_t va = KHEAP_START; va < KHEAP_END; va += LG_SIZE)
		assert_true(PTE_ADDR(paging_get_pde(paging_kernel_space(), va)) < direct_limit);
	/* Use up every frame below the limit: the next table cannot be made, though RAM is left. */
	while (pmm_alloc_frames(1, 0, direct_limit))
		;
	assert_true(pmm_free_count() > 0);
	assert_int_equal(paging_map(KWIN_START, 0x300000, PTE_W), PAGING_ENOMEM);
}

static void test_recursive_slot(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	uint32_t pa;
	/* Through PDE 1023 the directory is at RECURSIVE_PD and table i at RECURSIVE_BASE + 4K*i. */
	assert_int_equal(paging_translate(RECURSIVE_PD, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, k);
	assert_int_equal(paging_translate(RECURSIVE_BASE + PDX(KHEAP_START) * PG_SIZE, &pa, NULL),
			 PAGING_OK);
	assert_int_equal(pa, PTE_ADDR(dir(k)[PDX(KHEAP_START)]));
	assert_int_equal(paging_translate(RECURSIVE_BASE, &pa, NULL), PAGING_ENOENT);
	assert_int_equal(paging_unmap(RECURSIVE_PD), PAGING_EINVAL);
	assert_int_equal(paging_protect(RECURSIVE_PD, PTE_W), PAGING_EINVAL);
}

static void test_prealloc(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	size_t before = pmm_free_count();
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	unsigned n = (KHEAP_END - KHEAP_START) / LG_SIZE;
	assert_int_equal(paging_table_count(k), n);
	assert_int_equal(pmm_free_count(), before - n);
	/* Idempotent: existing tables are kept. */
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_START + LG_SIZE), PAGING_OK);
	assert_int_equal(pmm_free_count(), before - n);
	assert_int_equal(paging_prealloc_tables(KHEAP_START + 1, KHEAP_END), PAGING_EINVAL);
	assert_int_equal(paging_prealloc_tables(USER_START, USER_START + LG_SIZE), PAGING_EINVAL);
	assert_int_equal(paging_prealloc_tables(KHEAP_START, RECURSIVE_BASE + LG_SIZE),
			 PAGING_EINVAL);
	/* A fresh table is cleared: nothing in the heap range translates. */
	for (uint32_t va = KHEAP_START; va < KHEAP_END; va += 0x7000)
		assert_int_equal(paging_translate(va, NULL, NULL), PAGING_ENOENT);
}

static void test_describe(void **state)
{
	(void)state;
	char buf[96];
	assert_string_equal(paging_describe_flags(0, false, buf, sizeof buf), "not-present");
	assert_string_equal(paging_describe_flags(0x1000 | PTE_P | PTE_W | PTE_A | PTE_D, false,
						  buf, sizeof buf),
			    "present writable supervisor accessed dirty");
	assert_string_equal(paging_describe_flags(PTE_P | PTE_U | PTE_PS | PTE_OWNED, true, buf,
						  sizeof buf),
			    "present read-only user 4MiB owned");
	/* PTE_D/PTE_PS mean nothing in a PDE that points at a table. */
	assert_string_equal(paging_describe_flags(PTE_P | PTE_W | PTE_D, true, buf, sizeof buf),
			    "present writable supervisor");
	char small[12];
	assert_string_equal(paging_describe_flags(PTE_P | PTE_W, false, small, sizeof small),
			    "present wri");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_create, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_map_translate, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_map_errors, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_unmap, paging_sim_setup, paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_protect, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_direct_large, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_direct_small, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_tables_below_limit, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_recursive_slot, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_prealloc, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_describe, paging_sim_setup,
						paging_sim_teardown),
	};
	return cmocka_run_group_tests_name("paging", tests, NULL, NULL);
}
