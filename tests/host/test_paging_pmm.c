/*
 * test_paging_pmm.c - mm/paging.c and mm/vmspace.c on top of the real frame allocator (mm/pmm.c)
 * and the shared host environment (tests/host/host_env.c): the frames page tables and address
 * spaces take and give back are checked against the PMM's own accounting (free count, frame
 * states, pmm_check), and a seeded random workload of map/unmap/protect/alloc over several spaces
 * is compared with a model of what each page should translate to.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>

#include <cmocka.h>

#include "mm/memmap.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "tests/host/host_env.h"

#define RAM_BYTES (64u << 20)

#define UBASE (USER_START + LG_SIZE) /* user addresses from 4 MiB: page 0 is never mapped */

static struct memmap map;
static struct memmap_scratch scratch;

static void fail_hook(const char *msg)
{
	fail_msg("unexpected mm_panic: %s", msg);
	abort();
}

/* A PC-like 64 MiB machine: low RAM, the BIOS hole, RAM from 1 MiB; a fresh kernel space. */
static int setup(void **state)
{
	(void)state;
	host_ram_init(RAM_BYTES);
	host_log_quiet = true;
	host_panic_hook = fail_hook;
	const struct memmap_range raw[] = {
		{ 0x0, 0x9FC00, MEMMAP_USABLE },
		{ 0x9FC00, 0x100000, MEMMAP_RESERVED },
		{ 0x100000, RAM_BYTES, MEMMAP_USABLE },
	};
	memmap_sanitise(&map, raw, 3, &scratch);
	pmm_init(&map, NULL, 0);
	assert_int_equal(paging_kernel_create(), PAGING_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	host_panic_hook = NULL;
	host_ram_init(0);
	return 0;
}

static void test_kernel_tables_from_pmm(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	vmspace_t k = paging_kernel_space();
	assert_int_equal(pmm_frame_state(k), PMM_FRAME_ALLOCATED);
	assert_int_equal(paging_map_direct(NULL_PAGE_END, RAM_BYTES, PTE_W, true), PAGING_OK);
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	unsigned tables = paging_table_count(k);
	assert_int_equal(tables, 1 + (KHEAP_END - KHEAP_START) / LG_SIZE);
	assert_int_equal(paging_large_count(k), RAM_BYTES / LG_SIZE - 1);
	/* Exactly the tables were taken from the PMM, each one allocated there. */
	assert_int_equal(pmm_free_count(), free0 - tables);
	const pde_t *pd = (const pde_t *)(host_ram_base() + k);
	for (unsigned i = 0; i < RECURSIVE_SLOT; i++)
		if ((pd[i] & PTE_P) && !(pd[i] & PTE_PS))
			assert_int_equal(pmm_frame_state(PTE_ADDR(pd[i])), PMM_FRAME_ALLOCATED);
	assert_int_equal(pmm_check(), 0);
}

static void test_space_life_pmm(void **state)
{
	(void)state;
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	size_t free0 = pmm_free_count();
	vmspace_t s[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(vmspace_create(&s[i]), PAGING_OK);
	uint32_t owned = 0;
	for (int i = 0; i < 3; i++)
		for (uint32_t va = UBASE; va < UBASE + 40 * LG_SIZE; va += 3 * LG_SIZE + 0x11000) {
			assert_int_equal(vmspace_alloc(s[i], va, PTE_W | PTE_U), PAGING_OK);
			owned++;
		}
	/* The frame behind a page is allocated in the PMM; unmapping an owned page frees it. */
	uint32_t pa;
	assert_int_equal(vmspace_translate(s[1], UBASE, &pa, NULL), PAGING_OK);
	assert_int_equal(pmm_frame_state(pa), PMM_FRAME_ALLOCATED);
	assert_int_equal(vmspace_unmap(s[1], UBASE), PAGING_OK);
	assert_int_equal(pmm_frame_state(pa), PMM_FRAME_FREE);
	assert_true(pmm_free_count() < free0 - owned);
	vmspace_switch(s[2]);
	assert_int_equal(host_cr3_last, s[2]);
	vmspace_switch(paging_kernel_space());
	for (int i = 0; i < 3; i++)
		vmspace_destroy(s[i]);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(pmm_check(), 0);
	/* Every directory went back: a stale handle is refused, not reused. */
	host_panic_hook = NULL;
	assert_true(HOST_EXPECT_PANIC(vmspace_destroy(s[0])));
	assert_non_null(strstr(host_panic_msg, "not a page directory"));
}

/* ---- seeded random workload against a model ---------------------------------------------- */

#define SPACES 4
#define SLOTS  96 /* user pages per space the workload touches */

struct slot {
	uint32_t va, pa, flags;
	bool mapped, owned;
};
static struct slot model[SPACES][SLOTS];

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void check_model(const vmspace_t *s)
{
	for (int i = 0; i < SPACES; i++)
		for (int j = 0; j < SLOTS; j++) {
			uint32_t pa, fl;
			int err = vmspace_translate(s[i], model[i][j].va, &pa, &fl);
			if (!model[i][j].mapped) {
				assert_int_equal(err, PAGING_ENOENT);
				continue;
			}
			assert_int_equal(err, PAGING_OK);
			assert_int_equal(pa, model[i][j].pa);
			assert_int_equal(fl, model[i][j].flags | PTE_P |
						     (model[i][j].owned ? PTE_OWNED : 0));
		}
}

static void test_random_workload(void **state)
{
	(void)state;
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	size_t free0 = pmm_free_count();
	uint32_t borrowed = pmm_alloc_frame(); /* a frame mapped without ownership, shared by all */
	vmspace_t s[SPACES];
	for (int i = 0; i < SPACES; i++) {
		assert_int_equal(vmspace_create(&s[i]), PAGING_OK);
		for (int j = 0; j < SLOTS; j++)
			model[i][j] =
				(struct slot){ .va = UBASE + (next_rand() % 0x2F000u) * PG_SIZE };
		/* distinct addresses per space: resolve collisions by probing upwards */
		for (int j = 0; j < SLOTS; j++)
			for (int k = 0; k < j; k++)
				if (model[i][k].va == model[i][j].va) {
					model[i][j].va += PG_SIZE;
					k = -1;
				}
	}
	static const uint32_t flag_choices[] = { 0, PTE_W, PTE_U, PTE_W | PTE_U, PTE_W | PTE_PCD };
	for (int step = 0; step < 4000; step++) {
		int i = next_rand() % SPACES, j = next_rand() % SLOTS;
		struct slot *sl = &model[i][j];
		uint32_t fl = flag_choices[next_rand() % 5];
		switch (next_rand() % 4) {
		case 0: /* alloc an owned frame */
			assert_int_equal(vmspace_alloc(s[i], sl->va, fl),
					 sl->mapped ? PAGING_EEXIST : PAGING_OK);
			if (!sl->mapped) {
				vmspace_translate(s[i], sl->va, &sl->pa, NULL);
				*sl = (struct slot){ sl->va, sl->pa, fl, true, true };
			}
			break;
		case 1: /* map the borrowed frame */
			assert_int_equal(vmspace_map(s[i], sl->va, borrowed, fl),
					 sl->mapped ? PAGING_EEXIST : PAGING_OK);
			if (!sl->mapped)
				*sl = (struct slot){ sl->va, borrowed, fl, true, false };
			break;
		case 2:
			assert_int_equal(vmspace_unmap(s[i], sl->va),
					 sl->mapped ? PAGING_OK : PAGING_ENOENT);
			sl->mapped = false;
			break;
		case 3:
			assert_int_equal(vmspace_protect(s[i], sl->va, fl),
					 sl->mapped ? PAGING_OK : PAGING_ENOENT);
			if (sl->mapped)
				sl->flags = fl;
			break;
		}
		if (step % 500 == 0)
			check_model(s);
	}
	check_model(s);
	/* Owned frames are distinct and allocated; the borrowed one is still the caller's. */
	for (int i = 0; i < SPACES; i++)
		for (int j = 0; j < SLOTS; j++)
			if (model[i][j].mapped && model[i][j].owned)
				assert_int_equal(pmm_frame_state(model[i][j].pa),
						 PMM_FRAME_ALLOCATED);
	for (int i = 0; i < SPACES; i++)
		vmspace_destroy(s[i]);
	assert_int_equal(pmm_frame_state(borrowed), PMM_FRAME_ALLOCATED);
	pmm_free_frame(borrowed);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(pmm_check(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_tables_from_pmm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_space_life_pmm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_workload, setup, teardown),
	};
	return cmocka_run_group_tests_name("paging_pmm", tests, NULL, NULL);
}
