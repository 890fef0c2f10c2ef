/*
 * cmd_heap.c - monitor commands for the kernel heap: heap, kmalloc, kfree, leaks, check.
 *
 * kmalloc remembers each block it got (pointer and size, a fixed table: the monitor's own
 * bookkeeping must not use the heap it inspects), and kfree accepts only those: that is the
 * ownership check, because the heap's own checks (double free, invalid or interior pointer) end
 * in a panic by design. A pointer that is not one of the monitor's is explained - outside the
 * heap's range, or not a block the monitor holds (freed already, never allocated, or the
 * kernel's) - and left alone; a trailing `force` hands it to kfree anyway, so that the heap's
 * misuse detection can be seen on purpose.
 *
 * `heap trim` calls heap_trim(): the free pages at the heap's end (above its initial size) go
 * back to the PMM at once rather than when the heap decides, so that a session can end with the
 * PMM counts it started with.
 *
 * check runs heap_check() (which walks every block and panics on the first corruption) and the
 * PMM's pmm_check() (which counts problems): returning at all means the heap is consistent.
 */
#include "kernel/lib/string.h"
#include "kernel/monitor/cmd.h"
#include "kernel/monitor/cmd_groups.h"
#include "kernel/monitor/mon_mem.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

#define MON_MAX_BLOCKS 64
#define KMALLOC_MAX    0x1000000 /* 16 MiB: a quarter of the heap's virtual range */

struct mon_block {
	uintptr_t ptr; /* 0 = slot unused */
	uint32_t size;
};

static struct mon_block mon_blocks[MON_MAX_BLOCKS];

static unsigned blocks_held(uint32_t *bytes)
{
	unsigned n = 0;
	*bytes = 0;
	for (unsigned i = 0; i < MON_MAX_BLOCKS; i++)
		if (mon_blocks[i].ptr) {
			n++;
			*bytes += mon_blocks[i].size;
		}
	return n;
}

static int cmd_heap(int argc, char **argv)
{
	struct heap_stats st;
	uint32_t bytes;

	if (!mon_need_heap("heap"))
		return -1;
	if (argc > 1) {
		if (strcmp(argv[1], "trim") != 0) {
			mon_printf("error: heap: unknown option '%s' (only 'trim')\n", argv[1]);
			return -1;
		}
		size_t given = heap_trim(&kernel_heap);
		mon_printf("heap: trim gave %u bytes (%u pages) back\n", (unsigned)given,
			   (unsigned)(given / PG_SIZE));
	}
	heap_stats(&kernel_heap, &st);
	mon_printf("heap: range [mem 0x%08x-0x%08x] mapped, max 0x%08x, debug checks %s\n",
		   (unsigned)kernel_heap.start, (unsigned)(kernel_heap.end - 1),
		   (unsigned)kernel_heap.max, heap_debug_enabled() ? "on" : "off");
	mon_printf("heap: in_use=%u requested=%u peak=%u free=%u largest_free=%u\n",
		   (unsigned)st.in_use, (unsigned)st.requested, (unsigned)st.peak_in_use,
		   (unsigned)st.free, (unsigned)st.largest_free);
	mon_printf("heap: live_blocks=%u free_blocks=%u pages=%u peak_pages=%u\n",
		   (unsigned)st.live_blocks, (unsigned)st.free_blocks, (unsigned)st.pages_held,
		   (unsigned)st.peak_pages);
	mon_printf("heap: allocs=%llu frees=%llu grows=%llu shrinks=%llu\n",
		   (unsigned long long)st.allocs, (unsigned long long)st.frees,
		   (unsigned long long)st.grows, (unsigned long long)st.shrinks);
	unsigned n = blocks_held(&bytes);
	mon_printf("monitor holds %u blocks, %u bytes\n", n, (unsigned)bytes);
	return 0;
}

static int cmd_kmalloc(int argc, char **argv)
{
	uint32_t size;
	(void)argc;

	if (!parse_arg_u32("size", argv[1], 0, KMALLOC_MAX, &size) || !mon_need_heap("kmalloc"))
		return -1;
	struct mon_block *slot = NULL;
	for (unsigned i = 0; i < MON_MAX_BLOCKS && !slot; i++)
		if (!mon_blocks[i].ptr)
			slot = &mon_blocks[i];
	if (!slot) {
		mon_printf("error: kmalloc: the monitor already holds %u blocks; kfree one first\n",
			   MON_MAX_BLOCKS);
		return -1;
	}
	void *p = kmalloc(size);
	if (!p) {
		mon_printf("error: kmalloc: %u bytes: out of memory\n", (unsigned)size);
		return -1;
	}
	slot->ptr = (uintptr_t)p;
	slot->size = size;
	mon_printf("kmalloc: 0x%08x (%u bytes)\n", (unsigned)(uintptr_t)p, (unsigned)size);
	return 0;
}

static int cmd_kfree(int argc, char **argv)
{
	uint32_t ptr;
	bool force = parse_take_last(&argc, argv, "force");

	if (argc != 2) {
		mon_printf("error: kfree: expected <ptr> [force]\n");
		return -1;
	}
	if (!parse_arg_u32("ptr", argv[1], 0, 0xFFFFFFFF, &ptr) || !mon_need_heap("kfree"))
		return -1;
	struct mon_block *b = NULL;
	for (unsigned i = 0; i < MON_MAX_BLOCKS && !b; i++)
		if (mon_blocks[i].ptr && mon_blocks[i].ptr == ptr)
			b = &mon_blocks[i];
	if (!b && !force) {
		if (ptr < kernel_heap.start || ptr >= kernel_heap.end)
			mon_printf("error: kfree: 0x%08x is not in the heap [0x%08x-0x%08x]; "
				   "refusing (add 'force' to pass it to kfree anyway)\n",
				   (unsigned)ptr, (unsigned)kernel_heap.start,
				   (unsigned)(kernel_heap.end - 1));
		else
			mon_printf("error: kfree: 0x%08x is not a block the monitor holds "
				   "(freed already, interior, or the kernel's); refusing "
				   "(add 'force' to pass it to kfree anyway)\n",
				   (unsigned)ptr);
		return -1;
	}
	if (!b)
		mon_printf("kfree: forced: passing 0x%08x to kfree as asked\n", (unsigned)ptr);
	kfree((void *)(uintptr_t)ptr);
	if (b) {
		mon_printf("kfree: 0x%08x (%u bytes)\n", (unsigned)ptr, (unsigned)b->size);
		b->ptr = 0;
	}
	return 0;
}

static int cmd_leaks(int argc, char **argv)
{
	uint32_t bytes;
	(void)argc;
	(void)argv;

	if (!mon_need_heap("leaks"))
		return -1;
	size_t n = heap_report_leaks(&kernel_heap);
	unsigned mine = blocks_held(&bytes);
	mon_printf("leaks: %u live blocks, %u of them held by the monitor (kfree them)\n",
		   (unsigned)n, mine);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	struct heap_stats st;
	(void)argc;
	(void)argv;

	bool heap = mon_need_heap("check");
	bool pmm = mon_need_pmm("check");
	if (!heap && !pmm)
		return -1;
	if (heap) {
		heap_check(&kernel_heap); /* panics on the first problem it finds */
		heap_stats(&kernel_heap, &st);
		mon_printf("check: heap consistent (%u live blocks, %u free blocks)\n",
			   (unsigned)st.live_blocks, (unsigned)st.free_blocks);
	}
	if (pmm) {
		size_t problems = pmm_check();
		if (problems) {
			mon_printf("error: check: pmm: %u problems (listed above)\n",
				   (unsigned)problems);
			return -1;
		}
		mon_printf("check: pmm consistent (usable=%u free=%u reserved=%u allocated=%u)\n",
			   (unsigned)pmm_usable_count(), (unsigned)pmm_free_count(),
			   (unsigned)pmm_reserved_count(), (unsigned)pmm_allocated_count());
	}
	return heap && pmm ? 0 : -1;
}

static const struct mon_cmd mon_cmds_heap[] = {
	{ "heap", "[trim]", "statistics; trim: free tail pages to the PMM", 0, 1, cmd_heap },
	{ "kmalloc", "<size>", "allocate size bytes (0-16 MiB) from the heap", 1, 1, cmd_kmalloc },
	{ "kfree", "<ptr> [force]", "free a block got from kmalloc", 1, 2, cmd_kfree },
	{ "leaks", "", "live heap blocks with their allocation sites", 0, 0, cmd_leaks },
	{ "check", "", "heap_check and pmm_check: all consistent?", 0, 0, cmd_check },
};
const struct mon_cmd_group mon_group_heap = { "kernel heap", mon_cmds_heap,
					      MON_ARRAY_SIZE(mon_cmds_heap) };
