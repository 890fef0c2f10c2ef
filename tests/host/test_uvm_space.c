/*
 * test_uvm_space.c - address spaces on the real PMM and page tables in simulated RAM: the
 * copy-on-write counts (mm/cow.c, with their misuse panics), demand-zero memory, fork and the
 * write faults after it, exit, munmap, mprotect, brk, mmap, stack growth, running out of frames,
 * and the kernel's checked copies to and from user memory (mm/uaccess.c). Every test ends by
 * checking that the PMM's free count is back where it started.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>

#include <cmocka.h>

#include "mm/cow.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "mm/uvm.h"
#include "tests/host/host_env.h"
#include "tests/host/test_uvm_machine.h"

#define RAM_BYTES (64u << 20)
#define RW        (UVM_PROT_READ | UVM_PROT_WRITE)
#define P(n)      ((uint32_t)(n)*PG_SIZE)
#define ANON      (UVM_MAP_PRIVATE | UVM_MAP_ANONYMOUS)

static int setup(void **state)
{
	(void)state;
	machine_setup(RAM_BYTES);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	machine_teardown();
	return 0;
}

static uint32_t peek(struct uvm_space *as, uint32_t va)
{
	uint32_t v = 0xDEADBEEF;
	struct uvm_fault f;
	assert_int_equal(machine_user_access(as, va, false, &v, &f), MACHINE_OK);
	return v;
}

static void poke(struct uvm_space *as, uint32_t va, uint32_t v)
{
	struct uvm_fault f;
	assert_int_equal(machine_user_access(as, va, true, &v, &f), MACHINE_OK);
}

static struct uvm_fault expect_access_segv(struct uvm_space *as, uint32_t va, bool write)
{
	uint32_t v = 0;
	struct uvm_fault f;
	assert_int_equal(machine_user_access(as, va, write, &v, &f), MACHINE_SEGV);
	return f;
}

static uint32_t frame_of(struct uvm_space *as, uint32_t va)
{
	uint32_t pa = 0;
	assert_int_equal(vmspace_translate(as->pd, va, &pa, NULL), PAGING_OK);
	return PG_ROUND_DOWN(pa);
}

/* ---- the counts ---------------------------------------------------------------------------- */

static void test_cow_counts(void **state)
{
	(void)state;
	size_t want = (pmm_frames_covered() * 2 + PG_SIZE - 1) / PG_SIZE;
	assert_int_equal(cow_table_frames(), want);
	assert_int_equal(pmm_frame_state(cow_table_phys()), PMM_FRAME_ALLOCATED);
	size_t free0 = pmm_free_count();
	uint32_t pa = pmm_alloc_frame();
	assert_int_equal(cow_ref_count(pa), 0);
	cow_ref_new(pa);
	assert_true(cow_ref_get(pa));
	assert_true(cow_ref_get(pa));
	assert_int_equal(cow_ref_count(pa), 3);
	assert_int_equal(cow_counted_frames(), 1);
	assert_int_equal(cow_ref_put(pa), 2);
	assert_int_equal(cow_ref_put(pa), 1);
	assert_int_equal(pmm_frame_state(pa), PMM_FRAME_ALLOCATED);
	assert_int_equal(cow_ref_put(pa), 0); /* the last one frees the frame */
	assert_int_equal(pmm_frame_state(pa), PMM_FRAME_FREE);
	assert_int_equal(cow_counted_frames(), 0);
	assert_int_equal(pmm_free_count(), free0);
	/* saturation is refused, not wrapped */
	pa = pmm_alloc_frame();
	cow_ref_new(pa);
	for (unsigned i = 1; i < COW_REF_MAX; i++)
		assert_true(cow_ref_get(pa));
	assert_false(cow_ref_get(pa));
	assert_int_equal(cow_ref_count(pa), COW_REF_MAX);
	for (unsigned i = COW_REF_MAX; i > 0; i--)
		assert_int_equal(cow_ref_put(pa), i - 1);
	assert_int_equal(pmm_free_count(), free0);
}

/* The misuse message names the frame, the cause and the caller (like the PMM's). */
static void expect_cow_panic(bool panicked, const char *what, uint32_t pa)
{
	char frame[16];
	snprintf(frame, sizeof frame, "0x%08x", (unsigned)pa);
	assert_true(panicked);
	assert_non_null(strstr(host_panic_msg, what));
	assert_non_null(strstr(host_panic_msg, frame));
	assert_non_null(strstr(host_panic_msg, "cow_misuse_call"));
}

/* Exported (and not inlined), so that dladdr can name it as the caller in the message. */
void cow_misuse_call(char op, uint32_t pa);
__attribute__((noinline)) void cow_misuse_call(char op, uint32_t pa)
{
	if (op == 'n')
		cow_ref_new(pa);
	else if (op == 'g')
		cow_ref_get(pa);
	else
		cow_ref_put(pa);
}

static void test_cow_misuse(void **state)
{
	(void)state;
	host_panic_hook = NULL;
	uint32_t pa = pmm_alloc_frame();
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('p', pa)), "count underflow", pa);
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('g', pa)), "uncounted frame", pa);
	cow_ref_new(pa);
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('n', pa)), "already counted", pa);
	assert_int_equal(cow_ref_count(pa), 1);
	assert_int_equal(cow_ref_put(pa), 0);
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('n', pa)), "count on a free frame", pa);
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('p', pa)), "count on a free frame", pa);
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('n', 0x1000)), "did not hand out",
			 0x1000);
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('n', pa + 4)), "unaligned", pa + 4);
	uint32_t beyond = pmm_frames_covered() << PG_SHIFT;
	expect_cow_panic(HOST_EXPECT_PANIC(cow_misuse_call('n', beyond)), "beyond the count table",
			 beyond);
	assert_int_equal(cow_counted_frames(), 0);
}

/* ---- demand zero, fork, copy-on-write, exit ------------------------------------------------ */

static void test_demand_zero(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	struct uvm_space as;
	assert_int_equal(uvm_space_init(&as), 0);
	uint32_t at;
	assert_int_equal(uvm_mmap_anon(&as, 0, P(64), RW, ANON, &at), 0);
	assert_true(at >= UVM_MIN_ADDR && at + P(64) <= UVM_MMAP_TOP);
	assert_int_equal(pmm_free_count(), free0 - 1); /* only the directory so far */
	assert_int_equal(peek(&as, at + P(3) + 8), 0); /* a read gets a zeroed frame */
	poke(&as, at + P(5), 0x1234);
	assert_int_equal(peek(&as, at + P(5)), 0x1234);
	unsigned res, shared;
	uvm_space_count_pages(&as, &res, &shared);
	assert_int_equal(res, 2);
	assert_int_equal(shared, 0);
	/* two frames and one page table besides the directory */
	assert_int_equal(pmm_free_count(), free0 - 4);
	uvm_space_release(&as);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(cow_counted_frames(), 0);
	assert_int_equal(pmm_check(), 0);
}

static void test_fork_isolation(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	struct uvm_space parent, child;
	assert_int_equal(uvm_space_init(&parent), 0);
	uint32_t a;
	assert_int_equal(uvm_mmap_anon(&parent, 0, P(8), RW, ANON, &a), 0);
	poke(&parent, a, 1);
	poke(&parent, a + P(1), 10);
	assert_int_equal(uvm_space_fork(&parent, &child), 0);
	struct uvm_space *both[] = { &parent, &child };
	assert_int_equal(machine_check_counts(both, 2), 0);
	assert_int_equal(frame_of(&parent, a), frame_of(&child, a));
	assert_int_equal(cow_ref_count(frame_of(&parent, a)), 2);
	unsigned res, shared;
	uvm_space_count_range(&child, a, a + P(8), &res, &shared);
	assert_int_equal(res, 2);
	assert_int_equal(shared, 2);
	assert_int_equal(peek(&child, a), 1);
	/* the child's write never reaches the parent */
	poke(&child, a, 2);
	assert_int_equal(peek(&parent, a), 1);
	assert_int_equal(peek(&child, a), 2);
	/* per range: the copied page is the child's alone, the other still shared */
	uvm_space_count_range(&child, a, a + P(1), &res, &shared);
	assert_int_equal(res, 1);
	assert_int_equal(shared, 0);
	uvm_space_count_range(&parent, a + P(1), a + P(8), &res, &shared);
	assert_int_equal(res, 1);
	assert_int_equal(shared, 1);
	uvm_space_count_range(&parent, a + P(2), a + P(8), &res, &shared);
	assert_int_equal(res, 0);
	assert_int_not_equal(frame_of(&parent, a), frame_of(&child, a));
	/* the parent is now the last sharer of its frame: it writes in place, no new frame */
	size_t before = pmm_free_count();
	uint32_t pf = frame_of(&parent, a);
	poke(&parent, a, 3);
	assert_int_equal(frame_of(&parent, a), pf);
	assert_int_equal(pmm_free_count(), before);
	assert_int_equal(peek(&child, a), 2);
	/* the parent's write after fork never reaches the child */
	poke(&parent, a + P(1), 11);
	assert_int_equal(peek(&child, a + P(1)), 10);
	/* pages first touched after fork are private from the start */
	poke(&child, a + P(4), 7);
	assert_int_equal(peek(&parent, a + P(4)), 0);
	assert_int_equal(machine_check_counts(both, 2), 0);
	uvm_space_release(&child);
	uvm_space_release(&parent);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(cow_counted_frames(), 0);
	assert_int_equal(pmm_check(), 0);
}

static void test_fork_out_of_memory(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	struct uvm_space parent, child;
	assert_int_equal(uvm_space_init(&parent), 0);
	uint32_t a;
	assert_int_equal(uvm_mmap_anon(&parent, 0, P(2), RW, ANON, &a), 0);
	assert_int_equal(uvm_stack_setup(&parent, P(1)), 0);
	poke(&parent, a, 5);
	poke(&parent, UVM_STACK_TOP - 4, 6);
	/* Leave one frame: the child's directory fits, its first page table does not. */
	size_t hog = 0;
	uint32_t *taken = calloc(pmm_free_count(), sizeof *taken);
	while (pmm_free_count() > 1)
		taken[hog++] = pmm_alloc_frame();
	assert_int_equal(uvm_space_fork(&parent, &child), UVM_ENOMEM);
	assert_int_equal(pmm_free_count(), 1);
	assert_int_equal(peek(&parent, a), 5); /* the parent is intact */
	assert_int_equal(peek(&parent, UVM_STACK_TOP - 4), 6);
	struct uvm_space *one[] = { &parent };
	assert_int_equal(machine_check_counts(one, 1), 0);
	/* a demand-zero fault without a frame is an out-of-memory kill, not a crash */
	uint32_t v = 0;
	struct uvm_fault f;
	taken[hog++] = pmm_alloc_frame();
	assert_int_equal(pmm_free_count(), 0);
	assert_int_equal(machine_user_access(&parent, a + P(1), true, &v, &f), MACHINE_OOM);
	assert_int_equal(f.action, UVM_FAULT_ZERO_FILL);
	for (size_t i = 0; i < hog; i++)
		pmm_free_frame(taken[i]);
	free(taken);
	poke(&parent, a + P(1), 9);
	assert_int_equal(peek(&parent, a + P(1)), 9);
	uvm_space_release(&parent);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(cow_counted_frames(), 0);
}

static void test_munmap_mprotect(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	struct uvm_space as;
	assert_int_equal(uvm_space_init(&as), 0);
	uint32_t a;
	assert_int_equal(uvm_mmap_anon(&as, 0, P(4), RW, ANON, &a), 0);
	for (unsigned i = 0; i < 4; i++)
		poke(&as, a + P(i), i + 1);
	/* a hole in the middle: its frame goes back, the rest stays */
	size_t before = pmm_free_count();
	assert_int_equal(uvm_munmap(&as, a + P(1), P(1)), 0);
	assert_int_equal(pmm_free_count(), before + 1);
	assert_int_equal(expect_access_segv(&as, a + P(1), false).reason, UVM_SEGV_UNMAPPED);
	assert_int_equal(peek(&as, a + P(2)), 3);
	assert_int_equal(as.nregions, 2);
	assert_int_equal(uvm_munmap(&as, a + 1, P(1)), UVM_EINVAL);
	assert_int_equal(uvm_munmap(&as, a, 0), UVM_EINVAL);
	/* read-only: a write is SIGSEGV with the reason; back to read-write, it works in place */
	assert_int_equal(uvm_mprotect(&as, a, P(1), UVM_PROT_READ), 0);
	struct uvm_fault f = expect_access_segv(&as, a, true);
	assert_int_equal(f.reason, UVM_SEGV_WRITE);
	assert_int_equal(f.si_code, UVM_SEGV_ACCERR);
	assert_int_equal(peek(&as, a), 1);
	assert_int_equal(uvm_mprotect(&as, a, P(1), UVM_PROT_NONE), 0);
	assert_int_equal(expect_access_segv(&as, a, false).reason, UVM_SEGV_PROT_NONE);
	assert_int_equal(uvm_mprotect(&as, a, P(1), RW), 0);
	poke(&as, a, 100);
	assert_int_equal(peek(&as, a), 100);
	assert_int_equal(uvm_mprotect(&as, a, P(4), RW), UVM_ENOMEM); /* spans the hole */
	/* unmapping everything returns the frames and the page table */
	assert_int_equal(uvm_munmap(&as, a, P(4)), 0);
	assert_int_equal(paging_table_count(as.pd) - paging_table_count(paging_kernel_space()), 0);
	assert_int_equal(pmm_free_count(), free0 - 1);
	uvm_space_release(&as);
	assert_int_equal(pmm_free_count(), free0);
}

static void test_brk_stack_fixed(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	struct uvm_space as;
	assert_int_equal(uvm_space_init(&as), 0);
	uint32_t base = UA(0x08050000);
	assert_int_equal(uvm_region_insert(&as, UA(0x08048000), base, UVM_PROT_READ | UVM_PROT_EXEC,
					   UVM_KIND_TEXT),
			 0);
	uvm_brk_setup(&as, base);
	assert_int_equal(uvm_brk(&as, 0), base);
	assert_int_equal(uvm_brk(&as, base - 1), base); /* below the start: refused */
	assert_int_equal(uvm_brk(&as, base + 10000), base + 10000);
	poke(&as, base + 9996, 42);
	expect_access_segv(&as, base + P(3), false);
	assert_int_equal(uvm_brk(&as, base + P(8)), base + P(8));
	poke(&as, base + P(7), 43);
	assert_int_equal(peek(&as, base + 9996), 42);
	size_t before = pmm_free_count();
	assert_int_equal(uvm_brk(&as, base + 10), base + 10); /* shrink: frames go back, */
	assert_int_equal(pmm_free_count(), before + 3);       /* and the emptied page table */
	assert_int_equal(peek(&as, base), 0);
	expect_access_segv(&as, base + P(1), false);
	/* a fixed mapping right above the break stops its growth */
	uint32_t at;
	assert_int_equal(uvm_mmap_anon(&as, base + P(4), P(1), RW, ANON | UVM_MAP_FIXED, &at), 0);
	assert_int_equal(at, base + P(4));
	assert_int_equal(uvm_brk(&as, base + P(6)), base + 10);
	assert_int_equal(uvm_mmap_anon(&as, base + 1, P(1), RW, ANON | UVM_MAP_FIXED, &at),
			 UVM_EINVAL);
	assert_int_equal(uvm_mmap_anon(&as, UA(0), P(1), RW, ANON | UVM_MAP_FIXED, &at), UVM_EPERM);
	assert_int_equal(uvm_mmap_anon(&as, 0, P(1), RW, UVM_MAP_SHARED | UVM_MAP_ANONYMOUS, &at),
			 UVM_EINVAL);
	assert_int_equal(uvm_mmap_anon(&as, 0, 0, RW, ANON, &at), UVM_EINVAL);
	assert_int_equal(uvm_mmap_anon(&as, 0, 0xFFFFF001u, RW, ANON, &at), UVM_ENOMEM);
	/* the stack grows down on faults up to its limit, and no further */
	assert_int_equal(uvm_stack_setup(&as, P(1)), 0);
	poke(&as, UVM_STACK_TOP - P(5), 1);
	const struct uvm_region *st = uvm_region_find(&as, UVM_STACK_TOP - 4);
	assert_int_equal(st->start, UVM_STACK_TOP - P(5));
	poke(&as, UVM_STACK_TOP - UVM_STACK_MAX, 2);
	struct uvm_fault f = expect_access_segv(&as, UVM_STACK_TOP - UVM_STACK_MAX - 4, true);
	assert_int_equal(f.reason, UVM_SEGV_STACK_LIMIT);
	assert_int_equal(expect_access_segv(&as, UA(8), true).reason, UVM_SEGV_NULL);
	assert_int_equal(expect_access_segv(&as, UA(0x08048000), true).reason, UVM_SEGV_WRITE);
	assert_int_equal(uvm_region_check(&as), 0);
	uvm_space_release(&as);
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(pmm_check(), 0);
}

static void test_uaccess_copies(void **state)
{
	(void)state;
	size_t free0 = pmm_free_count();
	struct uvm_space parent, child;
	assert_int_equal(uvm_space_init(&parent), 0);
	uint32_t a;
	assert_int_equal(uvm_mmap_anon(&parent, 0, P(3), RW, ANON, &a), 0);
	const char msg[] = "a string across a page boundary";
	uint32_t s = a + P(1) - 10;
	assert_int_equal(uaccess_copy_to(&parent, s, msg, sizeof msg), 0);
	assert_int_equal(uvm_space_fork(&parent, &child), 0);
	/* the kernel's copy into the child takes the child's copy-on-write path */
	assert_int_equal(uaccess_copy_to(&child, s, "A", 1), 0);
	char buf[64];
	assert_int_equal(uaccess_copy_from(&parent, buf, s, sizeof msg), 0);
	assert_string_equal(buf, msg);
	assert_int_equal(uaccess_copy_string(&child, buf, s, sizeof buf), (int)strlen(msg));
	assert_int_equal(buf[0], 'A');
	assert_string_equal(buf + 1, msg + 1);
	assert_int_equal(uaccess_copy_string(&child, buf, s, 5), UVM_ENAMETOOLONG);
	assert_string_equal(buf, "A st");
	/* a string running into an unmapped page, a pointer into nowhere, a read-only target */
	assert_int_equal(uvm_munmap(&child, a + P(2), P(1)), 0);
	char fill[P(1)];
	memset(fill, 'x', sizeof fill);
	assert_int_equal(uaccess_copy_to(&child, a + P(1), fill, sizeof fill), 0);
	assert_int_equal(uaccess_copy_string(&child, buf, a + P(1), sizeof buf), UVM_ENAMETOOLONG);
	assert_int_equal(uaccess_copy_string(&child, fill, a + P(2) - 4, sizeof fill), UVM_EFAULT);
	assert_int_equal(uaccess_copy_from(&child, buf, a + P(2) - 4, 8), UVM_EFAULT);
	assert_int_equal(uaccess_copy_to(&child, UA(0), "x", 1), UVM_EFAULT);
	assert_int_equal(uaccess_copy_to(&child, USER_END - 2, "xyz", 3), UVM_EFAULT);
	assert_int_equal(uvm_mprotect(&child, a, P(1), UVM_PROT_READ), 0);
	assert_int_equal(uaccess_copy_to(&child, a, "x", 1), UVM_EFAULT);
	assert_int_equal(uaccess_copy_from(&child, buf, a, 1), 0);
	uvm_space_release(&child);
	uvm_space_release(&parent);
	assert_int_equal(pmm_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cow_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cow_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demand_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_munmap_mprotect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brk_stack_fixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uaccess_copies, setup, teardown),
	};
	return cmocka_run_group_tests_name("uvm_space", tests, NULL, NULL);
}
