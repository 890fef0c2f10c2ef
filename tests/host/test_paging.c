/*
 * test_paging.c - host tests (cmocka, ASan, UBSan) for mm/paging.c, mm/vmspace.c and
 * mm/paging_describe.c against simulated physical memory.
 *
 * The simulated machine: PHYS_SIZE bytes of "RAM" in an array, mm_phys_to_virt an offset into
 * it, a small frame allocator in this file (a stack of free frames plus a bitmap that catches
 * double frees and frees of frames never handed out, with the below-a-limit request page tables
 * use), and recorders for CR3 loads and INVLPGs so the tests can check the TLB is invalidated
 * exactly when a present entry changes. mm_panic longjmps back into the test that expects it.
 * Also here: the higher-half bring-up (mm/paging_boot.c: the first directory with the kernel at
 * two addresses, then the identity entries dropped) and the kmap windows (mm/kmap.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/kmap.h"
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
static uint32_t direct_limit;              /* mm_direct_limit(): 0 = all of RAM */
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

uint32_t mm_direct_limit(void) { return direct_limit; }
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

/* Only what paging.c asks for: one frame below limit (0 = anywhere). */
uint32_t pmm_alloc_frames(size_t n, uint32_t align, uint32_t limit)
{
	assert_int_equal(n, 1);
	assert_int_equal(align, 0);
	if (alloc_limit == 0)
		return 0;
	for (unsigned i = free_top; i-- > 0;) {
		uint32_t pa = free_stack[i];
		if (limit && pa >= limit)
			continue;
		free_stack[i] = free_stack[free_top - 1];
		free_stack[free_top - 1] = pa;
		return pmm_alloc_frame();
	}
	return 0;
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
	direct_limit = 0;
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

#define UVA 0x08048000u                    /* a user address: an i386 program's text */
#define DM(pa) (DIRECT_MAP_START + (uint32_t)(pa)) /* the direct-map address of pa */

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
	assert_int_equal(vmspace_map(k, UVA, 0x300000, PTE_W), PAGING_ERANGE);    /* user range */
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
	                                   false), PAGING_OK);
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

/* ---- the higher-half bring-up (mm/paging_boot.c) ------------------------------------------ */

#define BOOT_PD     (PHYS_SIZE - 8 * PG_SIZE)   /* fixed frames, as the kernel's .bss gives them */
#define BOOT_TABLES (PHYS_SIZE - 4 * PG_SIZE)
#define BOOT_NT     3                            /* 12 MiB: fits the simulated RAM's tables */

static void boot_build(unsigned ident)
{
	memset(ram + BOOT_PD, 0xA5, PG_SIZE); /* dirty: the build must clear what it does not set */
	memset(ram + BOOT_TABLES, 0xA5, BOOT_NT * PG_SIZE);
	paging_boot_build((pde_t *)(ram + BOOT_PD), BOOT_PD, (pte_t *)(ram + BOOT_TABLES), BOOT_TABLES,
	                  BOOT_NT, ident);
}

static void test_boot_two_spaces(void **state)
{
	(void)state;
	boot_build(1);
	const pde_t *pd = dir(BOOT_PD);
	uint32_t pa, fl;
	/* Directory: the identity PDE and the high PDEs share the tables; the rest is empty. */
	for (unsigned i = 0; i < BOOT_NT; i++)
		assert_int_equal(pd[PDX(KERNEL_VIRT_BASE) + i], (BOOT_TABLES + i * PG_SIZE) | PTE_P | PTE_W);
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
	assert_int_equal(vmspace_translate(BOOT_PD, KERNEL_VIRT_BASE + BOOT_NT * LG_SIZE, NULL, NULL),
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
		assert_int_equal(vmspace_translate(BOOT_PD, KERNEL_VIRT_BASE + p, &pa, NULL), PAGING_OK);
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
	assert_int_equal(paging_prealloc_tables(KHEAP_START, RECURSIVE_BASE + LG_SIZE), PAGING_EINVAL);
	/* A fresh table is cleared: nothing in the heap range translates. */
	for (uint32_t va = KHEAP_START; va < KHEAP_END; va += 0x7000)
		assert_int_equal(paging_translate(va, NULL, NULL), PAGING_ENOENT);
}

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
		cmocka_unit_test_setup_teardown(test_direct_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tables_below_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_two_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_drop_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recursive_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prealloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmspace_life, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmspace_many_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
	};
	return cmocka_run_group_tests_name("paging", tests, NULL, NULL);
}
