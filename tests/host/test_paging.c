/*
 * test_paging.c - host tests (cmocka, ASan, UBSan) for mm/paging.c, mm/vmspace.c and
 * mm/paging_describe.c against simulated physical memory.
 *
 * The simulated machine: PHYS_SIZE bytes of "RAM" in an array, mm_phys_to_virt an offset into
 * it, a small frame allocator in this file (a stack of free frames plus a bitmap that catches
 * double frees and frees of frames never handed out), and recorders for CR3 loads and INVLPGs so
 * the tests can check the TLB is invalidated exactly when a present entry changes. mm_panic
 * longjmps back into the test that expects it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/paging.h"
#include "mm/pmm.h"

/* ---- the simulated machine --------------------------------------------------------------- */

#define PHYS_SIZE   (16u << 20)            /* 16 MiB of simulated RAM */
#define FRAMES      (PHYS_SIZE / PG_SIZE)
#define FIRST_FRAME (0x100000 / PG_SIZE)   /* frames handed out from 1 MiB up */

static uint8_t *ram;
static uint32_t free_stack[FRAMES];
static unsigned free_top;
static uint8_t frame_used[FRAMES];
static unsigned alloc_limit;               /* allocations left before "out of memory" */
static uint32_t last_cr3, last_invlpg;
static unsigned invlpg_count, cr3_count;
static jmp_buf panic_jmp;
static int panic_armed;
static char panic_msg[256];

void *mm_phys_to_virt(uint32_t pa)
{
	assert_true(pa < PHYS_SIZE);
	return ram + pa;
}

void mm_load_cr3(uint32_t pa) { last_cr3 = pa; cr3_count++; }
void mm_invlpg(uint32_t va) { last_invlpg = va; invlpg_count++; }
const char *mm_symbol_name(uintptr_t addr, uintptr_t *offset) { (void)addr; (void)offset; return NULL; }

void mm_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof panic_msg, fmt, ap);
	va_end(ap);
	if (panic_armed) {
		panic_armed = 0;
		longjmp(panic_jmp, 1);
	}
	fail_msg("unexpected mm_panic: %s", panic_msg);
	abort();
}

uint32_t pmm_alloc_frame(void)
{
	if (free_top == 0 || alloc_limit == 0)
		return 0;
	alloc_limit--;
	uint32_t pa = free_stack[--free_top];
	assert_false(frame_used[pa / PG_SIZE]);
	frame_used[pa / PG_SIZE] = 1;
	memset(ram + pa, 0xA5, PG_SIZE); /* dirty, so the code must clear what it needs clear */
	return pa;
}

void pmm_free_frame(uint32_t pa)
{
	assert_true(pa % PG_SIZE == 0 && pa < PHYS_SIZE);
	if (!frame_used[pa / PG_SIZE])
		fail_msg("pmm_free_frame(0x%x): frame is not allocated", pa);
	frame_used[pa / PG_SIZE] = 0;
	free_stack[free_top++] = pa;
}

size_t pmm_free_count(void) { return free_top; }

/* Each test starts with fresh RAM, a full allocator and a kernel space. */
static int setup(void **state)
{
	(void)state;
	ram = calloc(1, PHYS_SIZE);
	assert_non_null(ram);
	memset(frame_used, 0, sizeof frame_used);
	free_top = 0;
	for (uint32_t f = FRAMES; f-- > FIRST_FRAME;)
		free_stack[free_top++] = f * PG_SIZE;
	alloc_limit = ~0u;
	invlpg_count = cr3_count = 0;
	last_invlpg = last_cr3 = 0;
	panic_armed = 0;
	assert_int_equal(paging_kernel_create(), PAGING_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

#define EXPECT_PANIC(stmt, needle)                                               \
	do {                                                                         \
		panic_armed = 1;                                                         \
		if (setjmp(panic_jmp) == 0) {                                            \
			stmt;                                                                \
			fail_msg("no mm_panic from " #stmt);                                 \
		}                                                                        \
		assert_non_null(strstr(panic_msg, needle));                              \
	} while (0)

static const pde_t *dir(vmspace_t s) { return (const pde_t *)(ram + s); }

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
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_U), PAGING_EINVAL);  /* U in kernel */
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_PS), PAGING_EINVAL); /* unknown flag */
	assert_int_equal(paging_map(KHEAP_START, 0x300000, PTE_P | PTE_A), PAGING_EINVAL);
	assert_int_equal(vmspace_map(k, USER_START, 0x300000, PTE_W), PAGING_ERANGE);
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

static void test_identity_large(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	const uint32_t end = 16u << 20;
	assert_int_equal(paging_map_identity(KIDENT_START, end, PTE_W, true), PAGING_OK);
	/* Chunk 0 holds page 0 (never mapped), so it needs a table; chunks 1-3 are 4 MiB pages. */
	assert_int_equal(paging_table_count(k), 1);
	assert_int_equal(paging_large_count(k), 3);
	uint32_t pa, fl;
	assert_int_equal(paging_translate(0, &pa, &fl), PAGING_ENOENT);
	for (uint32_t va = KIDENT_START; va < end; va += 0x1F3000) {
		assert_int_equal(paging_translate(va + 0x7B, &pa, &fl), PAGING_OK);
		assert_int_equal(pa, va + 0x7B);
		assert_true(fl & PTE_W);
		assert_false(fl & PTE_U);
		assert_int_equal(!!(fl & PTE_PS), va >= LG_SIZE);
	}
	assert_int_equal(paging_translate(end, &pa, &fl), PAGING_ENOENT);
	assert_int_equal(dir(k)[1], LG_SIZE | PTE_P | PTE_W | PTE_PS);
	/* Only translate handles a 4 MiB page. */
	assert_int_equal(paging_protect(LG_SIZE + PG_SIZE, 0), PAGING_ELARGE);
	assert_int_equal(paging_unmap(LG_SIZE), PAGING_ELARGE);
	assert_int_equal(paging_map(2 * LG_SIZE, 0x1000, 0), PAGING_ELARGE);
	pte_t pte;
	assert_false(paging_get_pte(k, LG_SIZE, &pte));
	/* 4 KiB pages inside chunk 0 can be protected (kernel text read-only). */
	assert_int_equal(paging_protect(0x100000, 0), PAGING_OK);
	assert_int_equal(paging_translate(0x100000, &pa, &fl), PAGING_OK);
	assert_int_equal(fl, PTE_P);
	/* Overlapping identity ranges are refused. */
	assert_int_equal(paging_map_identity(0x2000, 0x3000, PTE_W, false), PAGING_EEXIST);
	assert_int_equal(paging_map_identity(0, 0x3000, PTE_W, false), PAGING_EINVAL);
	assert_int_equal(paging_map_identity(0x1000, KIDENT_END + PG_SIZE, 0, false), PAGING_EINVAL);
	assert_int_equal(paging_map_identity(0x1000, 0x2000, PTE_U, false), PAGING_EINVAL);
}

static void test_identity_small(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	/* The 4 KiB path (CPUs without PSE): one table per 4 MiB, no large PDE. */
	assert_int_equal(paging_map_identity(KIDENT_START, 12u << 20, PTE_W, false), PAGING_OK);
	assert_int_equal(paging_table_count(k), 3);
	assert_int_equal(paging_large_count(k), 0);
	uint32_t pa, fl;
	for (uint32_t va = KIDENT_START; va < (12u << 20); va += PG_SIZE) {
		assert_int_equal(paging_translate(va, &pa, &fl), PAGING_OK);
		assert_int_equal(pa, va);
		assert_int_equal(fl, PTE_P | PTE_W);
	}
	/* Pieces with different rights meet inside a chunk: the same table serves both. */
	assert_int_equal(paging_map_identity(12u << 20, 13u << 20, 0, true), PAGING_OK);
	assert_int_equal(paging_map_identity(13u << 20, 16u << 20, PTE_W, true), PAGING_OK);
	assert_int_equal(paging_table_count(k), 4);
	assert_int_equal(paging_large_count(k), 0);
	assert_int_equal(paging_translate(12u << 20, &pa, &fl), PAGING_OK);
	assert_int_equal(fl, PTE_P);
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
	/* A fresh table is cleared: nothing in the heap range translates. */
	for (uint32_t va = KHEAP_START; va < KHEAP_END; va += 0x7000)
		assert_int_equal(paging_translate(va, NULL, NULL), PAGING_ENOENT);
}

/* ---- address spaces ---------------------------------------------------------------------- */

static void test_vmspace_life(void **state)
{
	(void)state;
	vmspace_t k = paging_kernel_space();
	assert_int_equal(paging_map_identity(KIDENT_START, 8u << 20, PTE_W, true), PAGING_OK);
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	size_t before = pmm_free_count();

	vmspace_t a, b;
	assert_int_equal(vmspace_create(&a), PAGING_OK);
	assert_int_equal(vmspace_create(&b), PAGING_OK);
	assert_int_equal(vmspace_live_count(), 2);
	assert_true(a != b && a != k && b != k);
	/* The kernel's PDEs are shared (same tables), the user range starts empty. */
	for (unsigned i = 0; i < USER_START >> PDX_SHIFT; i++) {
		assert_int_equal(dir(a)[i], dir(k)[i]);
		assert_int_equal(dir(b)[i], dir(k)[i]);
	}
	for (unsigned i = USER_START >> PDX_SHIFT; i < RECURSIVE_SLOT; i++)
		assert_int_equal(dir(a)[i], 0);
	assert_int_equal(dir(a)[RECURSIVE_SLOT], a | PTE_P | PTE_W);

	/* The same user address, different frames. */
	const uint32_t va = USER_START + 0x123000;
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
	assert_int_equal(paging_map_identity(8u << 20, 12u << 20, PTE_W, true), PAGING_ESHARED);

	/* Switching loads CR3; paging_map of a user address goes to the current space. */
	vmspace_switch(a);
	assert_int_equal(last_cr3, a);
	assert_int_equal(paging_current_space(), a);
	assert_int_equal(paging_translate(va, &pa, NULL), PAGING_OK);
	assert_int_equal(pa, pa_a);
	invlpg_count = 0;
	assert_int_equal(paging_protect(va, PTE_U), PAGING_OK);
	assert_int_equal(invlpg_count, 1);            /* current space: invalidated */
	assert_int_equal(vmspace_protect(b, va, 0), PAGING_OK);
	assert_int_equal(invlpg_count, 1);            /* other space: its CR3 load will flush */
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
	for (uint32_t va = USER_START; va < USER_END && va >= USER_START; va += 37 * LG_SIZE + 0x5000) {
		assert_int_equal(vmspace_alloc(s, va, PTE_W), PAGING_OK);
		assert_int_equal(vmspace_map(s, va + PG_SIZE, 0x180000, 0), PAGING_OK);
		pdes++;
	}
	assert_true(pdes > 5);
	size_t mid = pmm_free_count();
	assert_int_equal(vmspace_unmap(s, USER_START), PAGING_OK);
	assert_int_equal(pmm_free_count(), mid + 1); /* the owned frame went back */
	assert_int_equal(vmspace_unmap(s, USER_START + PG_SIZE), PAGING_OK);
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
	assert_int_equal(vmspace_alloc(s, USER_START, PTE_W), PAGING_ENOMEM);
	alloc_limit = 1;
	assert_int_equal(vmspace_alloc(s, USER_START, PTE_W), PAGING_ENOMEM);
	assert_int_equal(pmm_free_count(), with_dir);
	assert_int_equal(vmspace_translate(s, USER_START, NULL, NULL), PAGING_ENOENT);
	alloc_limit = 2; /* the page and its table */
	assert_int_equal(vmspace_alloc(s, USER_START, PTE_W), PAGING_OK);
	assert_int_equal(pmm_free_count(), with_dir - 2);
	/* A failed map returns the frame vmspace_alloc took. */
	alloc_limit = ~0u;
	assert_int_equal(vmspace_alloc(s, USER_START, PTE_W), PAGING_EEXIST);
	vmspace_destroy(s);
	assert_int_equal(pmm_free_count(), before);
}

static void test_describe(void **state)
{
	(void)state;
	char buf[96];
	assert_string_equal(paging_describe_flags(0, false, buf, sizeof buf), "not-present");
	assert_string_equal(paging_describe_flags(0x1000 | PTE_P | PTE_W | PTE_A | PTE_D, false, buf,
	                                          sizeof buf),
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
		cmocka_unit_test_setup_teardown(test_kernel_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_translate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recursive_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prealloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmspace_life, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmspace_many_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
	};
	return cmocka_run_group_tests_name("paging", tests, NULL, NULL);
}
