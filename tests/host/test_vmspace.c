/*
 * test_vmspace.c - host tests (cmocka, ASan, UBSan) for the address spaces of mm/vmspace.c on
 * the simulated machine of paging_sim.c: the life of a space (create, switch, map, destroy: every
 * frame back), a space with many tables, and running out of frames at every step without a leak.
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

/* ---- address spaces ---------------------------------------------------------------------- */

static void test_vmspace_life(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	assert_int_equal(paging_map_direct(NULL_PAGE_END, 8u << 20, PTE_W, true), PAGING_OK);
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	size_t before = pmm_free_count();

	vmspace_t a, b;
	assert_int_equal(vmspace_create(&a), PAGING_OK);
	assert_int_equal(vmspace_create(&b), PAGING_OK);
	assert_int_equal(vmspace_live_count(), 2);
	assert_true(a != b && a != k && b != k);
	/* The kernel's PDEs are shared (same tables), the user range starts empty. */
	for (unsigned i = PDX(KERNEL_VIRT_BASE); i < RECURSIVE_SLOT; i++) {
		assert_int_equal(dir(a)[i], dir(k)[i]);
		assert_int_equal(dir(b)[i], dir(k)[i]);
	}
	for (unsigned i = 0; i < PDX(KERNEL_VIRT_BASE); i++)
		assert_int_equal(dir(a)[i], 0);
	assert_int_equal(dir(a)[RECURSIVE_SLOT], a | PTE_P | PTE_W);

	/* The same user address, different frames. */
	const uint32_t va = UVA + 0x123000;
	assert_int_equal(vmspace_alloc(a, va, PTE_W | PTE_U), PAGING_OK);
	assert_int_equal(vmspace_alloc(b, va, PTE_W), PAGING_OK);
	uint32_t pa_a, pa_b, fl;
	assert_int_equal(vmspace_translate(a, va, &pa_a, &fl), PAGING_OK);
	assert_int_equal(fl, PTE_P | PTE_W | PTE_U | PTE_OWNED);
	assert_int_equal(vmspace_translate(b, va, &pa_b, &fl), PAGING_OK);
	assert_int_equal(fl, PTE_P | PTE_W | PTE_OWNED);
	assert_true(pa_a != pa_b);
	for (unsigned i = 0; i < PG_SIZE; i++)
		assert_int_equal(ram[pa_a + i], 0); /* vmspace_alloc clears the frame */
	assert_int_equal(PTE_FLAGS(dir(a)[PDX(va)]), PTE_P | PTE_W | PTE_U);
	assert_int_equal(vmspace_translate(k, va, NULL, NULL), PAGING_ENOENT);
	/* A caller-owned frame too (not freed with the space). */
	assert_int_equal(vmspace_map(a, va + PG_SIZE, 0x250000, 0), PAGING_OK);
	/* Range rules: a space's own calls only touch its user range. */
	assert_int_equal(vmspace_map(a, KHEAP_START, 0x300000, PTE_W), PAGING_ERANGE);
	assert_int_equal(vmspace_map(k, va, 0x300000, PTE_W), PAGING_ERANGE);

	/* A kernel mapping made now (preallocated heap table) is seen by every space ... */
	assert_int_equal(paging_map(KHEAP_START + PG_SIZE, 0x260000, PTE_W), PAGING_OK);
	uint32_t pa;
	assert_int_equal(vmspace_translate(a, KHEAP_START + PG_SIZE, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, 0x260000);
	assert_int_equal(vmspace_translate(b, KHEAP_START + PG_SIZE, &pa, NULL), PAGING_OK);
	/* ... but a new kernel table cannot appear while spaces exist. */
	assert_int_equal(paging_map(KWIN_START, 0x260000, PTE_W), PAGING_ESHARED);
	assert_int_equal(paging_map_direct(8u << 20, 12u << 20, PTE_W, true), PAGING_ESHARED);

	/* Switching loads CR3; paging_map of a user address goes to the current space. */
	vmspace_switch(a);
	assert_int_equal(last_cr3, a);
	assert_int_equal(paging_current_space(), a);
	assert_int_equal(paging_translate(va, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, pa_a);
	invlpg_count = 0;
	assert_int_equal(paging_protect(va, PTE_U), PAGING_OK);
	assert_int_equal(invlpg_count, 1); /* current space: invalidated */
	assert_int_equal(vmspace_protect(b, va, 0), PAGING_OK);
	assert_int_equal(invlpg_count, 1); /* other space: its CR3 load will flush */
	EXPECT_PANIC(vmspace_destroy(a), "current space");
	EXPECT_PANIC(vmspace_destroy(k), "kernel space");
	vmspace_switch(k);
	assert_int_equal(last_cr3, k);

	/* Destroy returns its directory, its user tables and its owned frames. */
	vmspace_destroy(a);
	vmspace_destroy(b);
	assert_int_equal(vmspace_live_count(), 0);
	assert_int_equal(pmm_free_count(), before);
	EXPECT_PANIC(vmspace_destroy(a), "not a page directory");
	EXPECT_PANIC(vmspace_switch(0x1234), "not a page directory");
	/* Shared kernel tables survived and new ones may appear again. */
	assert_int_equal(paging_translate(KHEAP_START + PG_SIZE, &pa, NULL), PAGING_OK);
	assert_int_equal(paging_map(KWIN_START, 0x260000, PTE_W), PAGING_OK);
}

static void test_vmspace_many_tables(void **state)
{
	(void)state;
	size_t before = pmm_free_count();
	vmspace_t s;
	assert_int_equal(vmspace_create(&s), PAGING_OK);
	/* Pages spread over many PDEs, owned and not, and an unmap of an owned one. */
	unsigned pdes = 0;
	const uint32_t first = USER_START + LG_SIZE; /* page 0 is never mapped */
	for (uint32_t va = first; va < USER_END; va += 37 * LG_SIZE + 0x5000) {
		assert_int_equal(vmspace_alloc(s, va, PTE_W), PAGING_OK);
		assert_int_equal(vmspace_map(s, va + PG_SIZE, 0x180000, 0), PAGING_OK);
		pdes++;
	}
	assert_true(pdes > 5);
	size_t mid = pmm_free_count();
	assert_int_equal(vmspace_unmap(s, first), PAGING_OK);
	assert_int_equal(pmm_free_count(), mid + 1); /* the owned frame went back */
	assert_int_equal(vmspace_unmap(s, first + PG_SIZE), PAGING_OK);
	assert_int_equal(vmspace_map(s, 0, 0x180000, 0), PAGING_EINVAL); /* page 0 */
	assert_int_equal(vmspace_map(s, USER_END, 0x180000, 0), PAGING_ERANGE);
	assert_int_equal(pmm_free_count(), mid + 1); /* the borrowed one did not */
	vmspace_destroy(s);
	assert_int_equal(pmm_free_count(), before);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	size_t before = pmm_free_count();
	vmspace_t s;
	alloc_limit = 0;
	assert_int_equal(vmspace_create(&s), PAGING_ENOMEM);
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_W), PAGING_ENOMEM);
	alloc_limit = 1;
	assert_int_equal(vmspace_create(&s), PAGING_OK);
	/* vmspace_alloc takes the page's frame first: with no frame left for the table the map
	 * fails and the page's frame goes back (nothing leaks). */
	size_t with_dir = pmm_free_count();
	assert_int_equal(vmspace_alloc(s, UVA, PTE_W), PAGING_ENOMEM);
	alloc_limit = 1;
	assert_int_equal(vmspace_alloc(s, UVA, PTE_W), PAGING_ENOMEM);
	assert_int_equal(pmm_free_count(), with_dir);
	assert_int_equal(vmspace_translate(s, UVA, NULL, NULL), PAGING_ENOENT);
	alloc_limit = 2; /* the page and its table */
	assert_int_equal(vmspace_alloc(s, UVA, PTE_W), PAGING_OK);
	assert_int_equal(pmm_free_count(), with_dir - 2);
	/* A failed map returns the frame vmspace_alloc took. */
	alloc_limit = ~0u;
	assert_int_equal(vmspace_alloc(s, UVA, PTE_W), PAGING_EEXIST);
	vmspace_destroy(s);
	assert_int_equal(pmm_free_count(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vmspace_life, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_vmspace_many_tables, paging_sim_setup,
						paging_sim_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, paging_sim_setup,
						paging_sim_teardown),
	};
	return cmocka_run_group_tests_name("vmspace", tests, NULL, NULL);
}
