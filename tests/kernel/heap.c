/*
 * heap.c - in-kernel suite `heap`: kmalloc & co. on the real machine, over PMM frames mapped
 * through paging (kernel/mm/heap_setup.c).
 *   - the heap is up over KHEAP_START with its initial pages mapped and nothing else;
 *   - the API's edge cases: kmalloc(0), alignment of every block, kmalloc_aligned up to 4 KiB,
 *     kcalloc zeroing and overflow, krealloc keeping contents, kfree(NULL);
 *   - random sizes (16 B .. 16 KiB, seeded) allocated and freed at random, each block filled
 *     with a pattern, until the heap holds several times its initial size; every page of every
 *     block is checked to be mapped, heap_check runs regularly, all patterns are verified;
 *   - everything freed and trimmed: the heap is back at its initial pages, the pages above are
 *     unmapped again, and the PMM's free count is back where it started.
 */
#include "kernel/debug/ktest.h"
#include "kernel/mm/heap_setup.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "vmlayout.h"

#include <stdint.h>

#define KT_SLOTS  512
#define KT_GROWTH 6 /* grow to at least this many times the initial size */

static struct {
	uint8_t *p;
	uint32_t n;
	uint8_t tag;
} kt_slot[KT_SLOTS];
static uint32_t kt_rng = 0x2545f491u;

static uint32_t kt_rand(void)
{
	/* xorshift32 (Marsaglia 2003) */
	kt_rng ^= kt_rng << 13;
	kt_rng ^= kt_rng >> 17;
	kt_rng ^= kt_rng << 5;
	return kt_rng;
}

static void kt_fill(int i)
{
	for (uint32_t k = 0; k < kt_slot[i].n; k++)
		kt_slot[i].p[k] = (uint8_t)(kt_slot[i].tag + k * 7);
}

static bool kt_verify(int i)
{
	for (uint32_t k = 0; k < kt_slot[i].n; k++)
		if (kt_slot[i].p[k] != (uint8_t)(kt_slot[i].tag + k * 7))
			return false;
	return true;
}

/* Every page of [p, p + n) is mapped, inside the heap range. */
static bool kt_mapped(const void *p, uint32_t n)
{
	uint32_t a = (uint32_t)(uintptr_t)p;
	if (a < KHEAP_START || a + n > KHEAP_END)
		return false;
	for (uint32_t va = a & ~(PG_SIZE - 1); va < a + n; va += PG_SIZE)
		if (paging_translate(va, NULL, NULL) != 0)
			return false;
	return true;
}

static void kt_api(void)
{
	void *z1 = kmalloc(0), *z2 = kmalloc(0);
	ktap_ok(z1 && z2 && z1 != z2, "kmalloc(0) gives distinct freeable pointers");
	kfree(z1);
	kfree(z2);
	kfree(NULL);
	bool aligned = true;
	void *blocks[13];
	for (int s = 0; s <= 12; s++) {
		blocks[s] = kmalloc_aligned(100 + s, 1u << s);
		aligned = aligned && blocks[s] && ((uintptr_t)blocks[s] & ((1u << s) - 1)) == 0;
	}
	ktap_ok(aligned, "kmalloc_aligned: every power of two up to 4096");
	for (int s = 0; s <= 12; s++)
		kfree(blocks[s]);
	ktap_ok(kmalloc_aligned(64, 8192) == NULL && kmalloc_aligned(64, 24) == NULL,
		"kmalloc_aligned refuses 8192 and 24");
	uint8_t *c = kmalloc(300);
	for (int i = 0; i < 300; i++)
		c[i] = 0xee;
	kfree(c);
	c = kcalloc(30, 10);
	bool zero = c != NULL;
	for (int i = 0; zero && i < 300; i++)
		zero = c[i] == 0;
	ktap_ok(zero, "kcalloc(30, 10) is zeroed");
	kfree(c);
	ktap_ok(kcalloc(0x10000, 0x10001) == NULL, "kcalloc(0x10000, 0x10001) overflows: NULL");
	ktap_ok(kmalloc(0xF0000000u) == NULL, "kmalloc(0xF0000000) fails cleanly: NULL");
	char *r = kmalloc(10);
	for (int i = 0; i < 10; i++)
		r[i] = (char)('a' + i);
	r = krealloc(r, 20000);
	bool kept = r != NULL;
	for (int i = 0; kept && i < 10; i++)
		kept = r[i] == 'a' + i;
	ktap_ok(kept && ((uintptr_t)r & (KMALLOC_MIN_ALIGN - 1)) == 0,
		"krealloc(10 -> 20000) keeps the contents");
	ktap_ok(krealloc(r, 0) == NULL, "krealloc(p, 0) frees");
	heap_check(&kernel_heap);
}

static void kt_random_growth(void)
{
	heap_trim(&kernel_heap);
	size_t free0 = pmm_free_count();
	size_t mapped0 = heap_setup_mapped_bytes();
	struct heap_stats st;
	heap_stats(&kernel_heap, &st);
	ktap_ok(mapped0 == KHEAP_INITIAL && st.pages_held * PG_SIZE == mapped0,
		"heap holds its initial %u KiB before the test (backend: %u KiB)",
		(unsigned)(KHEAP_INITIAL >> 10), (unsigned)(mapped0 >> 10));
	bool ok = true, mapped = true;
	uint32_t ops = 0, peak_pages = 0;
	while (ops < 200000) {
		int i = (int)(kt_rand() % KT_SLOTS);
		if (kt_slot[i].p) {
			ok = ok && kt_verify(i);
			kfree(kt_slot[i].p);
			kt_slot[i].p = NULL;
		} else {
			uint32_t r = kt_rand();
			kt_slot[i].n = (r & 3) ? 16 + (r >> 8) % 1024 : 16 + (r >> 8) % 16384;
			kt_slot[i].tag = (uint8_t)(r >> 24);
			kt_slot[i].p = kmalloc(kt_slot[i].n);
			if (!kt_slot[i].p) {
				ok = false;
				break;
			}
			mapped = mapped && kt_mapped(kt_slot[i].p, kt_slot[i].n);
			kt_fill(i);
		}
		ops++;
		if (ops % 1024 == 0)
			heap_check(&kernel_heap);
		heap_stats(&kernel_heap, &st);
		if (st.pages_held > peak_pages)
			peak_pages = st.pages_held;
		/* Keep going until the heap has grown enough, allocating more than freeing. */
		if (peak_pages * PG_SIZE >= KT_GROWTH * KHEAP_INITIAL && ops > 20000)
			break;
		if (kt_rand() % 4 == 0) { /* bias towards allocation: fill empty slots */
			int j = (int)(kt_rand() % KT_SLOTS);
			if (!kt_slot[j].p) {
				kt_slot[j].n = 16 + kt_rand() % 16384;
				kt_slot[j].tag = (uint8_t)kt_rand();
				kt_slot[j].p = kmalloc(kt_slot[j].n);
				if (!kt_slot[j].p) {
					ok = false;
					break;
				}
				mapped = mapped && kt_mapped(kt_slot[j].p, kt_slot[j].n);
				kt_fill(j);
			}
		}
	}
	ktap_ok(ok, "%u random operations: every allocation succeeded, every pattern intact",
		(unsigned)ops);
	ktap_ok(mapped, "every page of every block is mapped inside [0x%08x-0x%08x)", KHEAP_START,
		KHEAP_END);
	ktap_ok(peak_pages * PG_SIZE >= KT_GROWTH * KHEAP_INITIAL,
		"the heap grew to %u KiB, %u times its initial size (wanted %u)",
		(unsigned)(peak_pages * 4), (unsigned)(peak_pages * PG_SIZE / KHEAP_INITIAL),
		KT_GROWTH);
	heap_check(&kernel_heap);
	bool all = true;
	for (int i = 0; i < KT_SLOTS; i++)
		if (kt_slot[i].p) {
			all = all && kt_verify(i);
			kfree(kt_slot[i].p);
			kt_slot[i].p = NULL;
		}
	ktap_ok(all, "all patterns intact when everything is freed");
	heap_check(&kernel_heap);
	uint32_t top = (uint32_t)kernel_heap.end;
	heap_trim(&kernel_heap);
	heap_stats(&kernel_heap, &st);
	ktap_ok(st.live_blocks == 0 && st.in_use == 0, "no live blocks left (%u)",
		(unsigned)st.live_blocks);
	ktap_ok(heap_setup_mapped_bytes() == mapped0 && st.pages_held * PG_SIZE == mapped0,
		"after heap_trim the heap holds its initial %u KiB again (%u KiB mapped)",
		(unsigned)(mapped0 >> 10), (unsigned)(heap_setup_mapped_bytes() >> 10));
	ktap_ok(paging_translate(KHEAP_START + (uint32_t)mapped0, NULL, NULL) == PAGING_ENOENT &&
			paging_translate(top - PG_SIZE, NULL, NULL) == PAGING_ENOENT,
		"the pages above the initial size (up to 0x%08x) are unmapped again",
		(unsigned)top);
	ktap_ok(pmm_free_count() == free0, "PMM free frames back where they started (%u, now %u)",
		(unsigned)free0, (unsigned)pmm_free_count());
	heap_check(&kernel_heap);
}

static void kt_heap(void)
{
	ktap_ok(kernel_heap.start == KHEAP_START && kernel_heap.max == KHEAP_END,
		"kernel_heap is set up over [0x%08x-0x%08x)", KHEAP_START, KHEAP_END);
	ktap_ok(heap_debug_enabled(),
		"the kernel heap is built with HEAP_DEBUG (red zones, poison)");
	kt_api();
	kt_random_growth();
}

KTEST_SUITE("heap", kt_heap);
