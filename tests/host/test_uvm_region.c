/*
 * test_uvm_region.c - the region list (mm/uvm_region.c), the page-fault decision
 * (uvm_fault_decide in mm/uvm_fault.c) and the user-pointer check (uaccess_check in
 * mm/uaccess.c): bookkeeping only, no page tables. Addresses are offsets into the user range
 * (UA()), so the tests hold whatever the range's base is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>

#include <cmocka.h>

#include "mm/uaccess.h"
#include "mm/uvm.h"
#include "tests/host/host_env.h"
#include "tests/host/test_uvm_machine.h"

#define RW   (UVM_PROT_READ | UVM_PROT_WRITE)
#define RO   UVM_PROT_READ
#define P(n) ((uint32_t)(n)*PG_SIZE)

static struct uvm_space sp;

static int reset(void **state)
{
	(void)state;
	memset(&sp, 0, sizeof sp);
	host_log_quiet = true;
	return 0;
}

/* The regions as "start-end kind prot" offsets, for compact assertions. */
static const char *regions_text(void)
{
	static char buf[2048];
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < sp.nregions; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%x-%x %s %u", i ? ", " : "",
				      (unsigned)(sp.regions[i].start - USER_START),
				      (unsigned)(sp.regions[i].end - USER_START),
				      uvm_kind_name(sp.regions[i].kind), sp.regions[i].prot);
	return buf;
}

static void test_insert_find_merge(void **state)
{
	(void)state;
	assert_int_equal(uvm_region_insert(&sp, UA(P(16)), UA(P(20)), RO, UVM_KIND_TEXT), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(30)), UA(P(32)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(20)), UA(P(24)), RW, UVM_KIND_DATA), 0);
	/* same kind and prot, touching: merged on both sides */
	assert_int_equal(uvm_region_insert(&sp, UA(P(34)), UA(P(36)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(32)), UA(P(34)), RW, UVM_KIND_ANON), 0);
	assert_string_equal(regions_text(),
			    "10000-14000 text 1, 14000-18000 data 3, 1e000-24000 anon 3");
	assert_int_equal(uvm_region_check(&sp), 0);
	assert_ptr_equal(uvm_region_find(&sp, UA(P(16))), &sp.regions[0]);
	assert_ptr_equal(uvm_region_find(&sp, UA(P(24) - 1)), &sp.regions[1]);
	assert_null(uvm_region_find(&sp, UA(P(24))));
	assert_null(uvm_region_find(&sp, UA(P(15))));
	assert_ptr_equal(uvm_region_next(&sp, UA(P(25))), &sp.regions[2]);
	assert_null(uvm_region_next(&sp, UA(P(36))));
}

static void test_insert_errors(void **state)
{
	(void)state;
	assert_int_equal(uvm_region_insert(&sp, UA(P(16)), UA(P(20)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(19)), UA(P(21)), RW, UVM_KIND_ANON),
			 UVM_EEXIST);
	assert_int_equal(uvm_region_insert(&sp, UA(P(10)), UA(P(30)), RW, UVM_KIND_ANON),
			 UVM_EEXIST);
	assert_int_equal(uvm_region_insert(&sp, UA(P(10) + 1), UA(P(12)), RW, UVM_KIND_ANON),
			 UVM_EINVAL);
	assert_int_equal(uvm_region_insert(&sp, UA(P(12)), UA(P(12)), RW, UVM_KIND_ANON),
			 UVM_EINVAL);
	assert_int_equal(uvm_region_insert(&sp, UA(0), UA(P(1)), RW, UVM_KIND_ANON), UVM_EINVAL);
	assert_int_equal(uvm_region_insert(&sp, USER_END - P(1), USER_END + P(1), RW,
					   UVM_KIND_ANON),
			 UVM_EINVAL);
	assert_int_equal(uvm_region_insert(&sp, UA(P(40)), UA(P(41)), 8, UVM_KIND_ANON),
			 UVM_EINVAL);
	assert_string_equal(regions_text(), "10000-14000 anon 3");
	/* A full list refuses a new region but still takes one that merges. */
	for (unsigned i = 1; i < UVM_MAX_REGIONS; i++)
		assert_int_equal(uvm_region_insert(&sp, UA(P(100 + 2 * i)), UA(P(101 + 2 * i)), RO,
						   UVM_KIND_ANON),
				 0);
	assert_int_equal(sp.nregions, UVM_MAX_REGIONS);
	assert_int_equal(uvm_region_insert(&sp, UA(P(1000)), UA(P(1001)), RO, UVM_KIND_ANON),
			 UVM_ENOMEM);
	assert_int_equal(uvm_region_insert(&sp, UA(P(20)), UA(P(22)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(sp.nregions, UVM_MAX_REGIONS);
	assert_int_equal(uvm_region_check(&sp), 0);
}

static void test_remove_splits(void **state)
{
	(void)state;
	assert_int_equal(uvm_region_insert(&sp, UA(P(10)), UA(P(20)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(30)), UA(P(40)), RO, UVM_KIND_TEXT), 0);
	assert_int_equal(uvm_region_remove(&sp, UA(P(12)), UA(P(14))), 0); /* a hole: split */
	assert_string_equal(regions_text(),
			    "a000-c000 anon 3, e000-14000 anon 3, 1e000-28000 text 1");
	assert_int_equal(uvm_region_remove(&sp, UA(P(18)), UA(P(32))), 0); /* trims two */
	assert_string_equal(regions_text(),
			    "a000-c000 anon 3, e000-12000 anon 3, 20000-28000 text 1");
	assert_int_equal(uvm_region_remove(&sp, UA(P(1)), UA(P(15))), 0); /* swallows two */
	assert_string_equal(regions_text(), "f000-12000 anon 3, 20000-28000 text 1");
	assert_int_equal(uvm_region_remove(&sp, UA(P(50)), UA(P(60))), 0); /* nothing there */
	assert_int_equal(uvm_region_remove(&sp, UA(P(50)), UA(P(50))), UVM_EINVAL);
	assert_int_equal(uvm_region_check(&sp), 0);
	/* A full list: a cut in the middle needs a slot and is refused, nothing changed. */
	for (unsigned i = 2; i < UVM_MAX_REGIONS; i++)
		assert_int_equal(uvm_region_insert(&sp, UA(P(100 + 4 * i)), UA(P(103 + 4 * i)), RO,
						   UVM_KIND_ANON),
				 0);
	char before[2048];
	strcpy(before, regions_text());
	assert_int_equal(uvm_region_remove(&sp, UA(P(109)), UA(P(110))), UVM_ENOMEM);
	assert_string_equal(regions_text(), before);
	assert_int_equal(uvm_region_remove(&sp, UA(P(108)), UA(P(109))), 0); /* one side: fine */
	assert_int_equal(uvm_region_check(&sp), 0);
}

static void test_protect_splits_and_merges(void **state)
{
	(void)state;
	assert_int_equal(uvm_region_insert(&sp, UA(P(10)), UA(P(20)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(uvm_region_protect(&sp, UA(P(12)), UA(P(14)), RO), 0);
	assert_string_equal(regions_text(),
			    "a000-c000 anon 3, c000-e000 anon 1, e000-14000 anon 3");
	assert_int_equal(uvm_region_protect(&sp, UA(P(12)), UA(P(14)), RW), 0); /* merged back */
	assert_string_equal(regions_text(), "a000-14000 anon 3");
	/* A span with a hole: ENOMEM, nothing changed (Linux mprotect). */
	assert_int_equal(uvm_region_insert(&sp, UA(P(21)), UA(P(22)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(uvm_region_protect(&sp, UA(P(15)), UA(P(22)), RO), UVM_ENOMEM);
	assert_string_equal(regions_text(), "a000-14000 anon 3, 15000-16000 anon 3");
	assert_int_equal(uvm_region_protect(&sp, UA(P(19)), UA(P(20)), UVM_PROT_NONE), 0);
	assert_string_equal(regions_text(),
			    "a000-13000 anon 3, 13000-14000 anon 0, 15000-16000 anon 3");
	assert_int_equal(uvm_region_protect(&sp, UA(P(10)), UA(P(11)), 9), UVM_EINVAL);
	assert_int_equal(uvm_region_check(&sp), 0);
}

static void test_find_gap(void **state)
{
	(void)state;
	uint32_t lo = UA(P(16)), hi = UA(P(100));
	assert_int_equal(uvm_region_find_gap(&sp, P(4), 0, lo, hi), UA(P(96)));
	assert_int_equal(uvm_region_insert(&sp, UA(P(90)), UA(P(100)), RW, UVM_KIND_ANON), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(80)), UA(P(87)), RW, UVM_KIND_DATA), 0);
	assert_int_equal(uvm_region_find_gap(&sp, P(3), 0, lo, hi), UA(P(87)));
	assert_int_equal(uvm_region_find_gap(&sp, P(4), 0, lo, hi), UA(P(76)));
	assert_int_equal(uvm_region_find_gap(&sp, P(4), UA(P(20)), lo, hi), UA(P(20))); /* hint */
	assert_int_equal(uvm_region_find_gap(&sp, P(4), UA(P(85)), lo, hi), UA(P(76))); /* taken */
	assert_int_equal(uvm_region_find_gap(&sp, P(64), 0, lo, hi), UA(P(16)));
	assert_int_equal(uvm_region_find_gap(&sp, P(65), 0, lo, hi), 0);
	assert_int_equal(uvm_region_find_gap(&sp, 0, 0, lo, hi), 0);
	/* The stack keeps its guard gap free below it. */
	memset(&sp, 0, sizeof sp);
	assert_int_equal(uvm_stack_setup(&sp, P(4)), 0);
	uint32_t g = uvm_region_find_gap(&sp, P(1), 0, UVM_MIN_ADDR, UVM_STACK_TOP);
	assert_int_equal(g, UVM_STACK_TOP - P(4) - UVM_STACK_GUARD_GAP - P(1));
}

/* ---- the fault decision ------------------------------------------------------------------ */

static struct uvm_fault decide(uint32_t addr, uint32_t err, pte_t pte, unsigned refs)
{
	struct uvm_fault f;
	memset(&f, 0xA5, sizeof f);
	uvm_fault_decide(&sp, addr, err, pte, refs, &f);
	assert_int_equal(f.page, PG_ROUND_DOWN(addr));
	if (f.action != UVM_FAULT_SIGSEGV)
		assert_int_equal(f.reason, UVM_SEGV_NONE);
	return f;
}

static void expect_segv(uint32_t addr, uint32_t err, pte_t pte, enum uvm_segv_reason why, int code)
{
	struct uvm_fault f = decide(addr, err, pte, pte ? 1 : 0);
	assert_int_equal(f.action, UVM_FAULT_SIGSEGV);
	assert_int_equal(f.reason, why);
	assert_int_equal(f.si_code, code);
	assert_non_null(uvm_segv_reason_name(why));
}

static void test_fault_decisions(void **state)
{
	(void)state;
	const uint32_t U = PFE_U, W = PFE_W, Pr = PFE_P;
	const pte_t ro = 0x00500000 | PTE_P | PTE_U, rw = ro | PTE_W, sup = 0x00500000 | PTE_P;
	assert_int_equal(uvm_region_insert(&sp, UA(P(16)), UA(P(20)), RO | UVM_PROT_EXEC,
					   UVM_KIND_TEXT),
			 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(20)), UA(P(24)), RW, UVM_KIND_DATA), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(40)), UA(P(41)), UVM_PROT_NONE, UVM_KIND_ANON),
			 0);
	assert_int_equal(uvm_stack_setup(&sp, P(2)), 0);
	uint32_t stack_lo = UVM_STACK_TOP - P(2);

	/* demand zero: not present in a region that allows the access */
	assert_int_equal(decide(UA(P(20) + 5), U | W, 0, 0).action, UVM_FAULT_ZERO_FILL);
	assert_int_equal(decide(UA(P(23)), U, 0, 0).action, UVM_FAULT_ZERO_FILL);
	assert_int_equal(decide(UA(P(16)), U, 0, 0).action, UVM_FAULT_ZERO_FILL);
	assert_int_equal(decide(UA(P(16)), U | PFE_I, 0, 0).action, UVM_FAULT_ZERO_FILL);
	/* copy-on-write: a write to a present read-only page of a writable region */
	assert_int_equal(decide(UA(P(21)), U | W | Pr, ro, 2).action, UVM_FAULT_COW_COPY);
	assert_int_equal(decide(UA(P(21)), U | W | Pr, ro, 1).action, UVM_FAULT_REUSE);
	assert_int_equal(decide(UA(P(21)), W | Pr, ro, 3).action,
			 UVM_FAULT_COW_COPY); /* kernel on behalf */
	/* nothing to do: the PTE already allows it */
	assert_int_equal(decide(UA(P(21)), U | W | Pr, rw, 1).action, UVM_FAULT_SPURIOUS);
	assert_int_equal(decide(UA(P(21)), U | Pr, ro, 2).action, UVM_FAULT_SPURIOUS);
	assert_int_equal(decide(UA(P(21)), U | Pr, sup, 1).action, UVM_FAULT_REUSE);
	/* stack growth below the stack, within the limit */
	assert_int_equal(decide(stack_lo - 4, U | W, 0, 0).action, UVM_FAULT_GROW_STACK);
	assert_int_equal(decide(UVM_STACK_TOP - UVM_STACK_MAX, U, 0, 0).action,
			 UVM_FAULT_GROW_STACK);

	expect_segv(UA(P(16)), U | W, 0, UVM_SEGV_WRITE, UVM_SEGV_ACCERR);
	expect_segv(UA(P(16)), U | W | Pr, ro, UVM_SEGV_WRITE, UVM_SEGV_ACCERR);
	expect_segv(UA(P(40)), U, 0, UVM_SEGV_PROT_NONE, UVM_SEGV_ACCERR);
	expect_segv(UA(P(40)), U | Pr, sup, UVM_SEGV_PROT_NONE, UVM_SEGV_ACCERR);
	expect_segv(UA(0), U | W, 0, UVM_SEGV_NULL, UVM_SEGV_MAPERR);
	expect_segv(UA(P(1) - 1), U, 0, UVM_SEGV_NULL, UVM_SEGV_MAPERR);
	expect_segv(UA(P(24)), U, 0, UVM_SEGV_UNMAPPED, UVM_SEGV_MAPERR);
	expect_segv(USER_END, U, 0, UVM_SEGV_KERNEL, UVM_SEGV_MAPERR);
	expect_segv(0xFFFFFFFFu, U | W, 0, UVM_SEGV_KERNEL, UVM_SEGV_MAPERR);
	expect_segv(UVM_STACK_TOP - UVM_STACK_MAX - 1, U, 0, UVM_SEGV_STACK_LIMIT, UVM_SEGV_MAPERR);
	expect_segv(UVM_STACK_TOP - UVM_STACK_MAX - UVM_STACK_GUARD_GAP - P(1), U, 0,
		    UVM_SEGV_UNMAPPED, UVM_SEGV_MAPERR);
	expect_segv(UA(P(21)), U | PFE_RSVD | Pr, rw, UVM_SEGV_RESERVED_BIT, UVM_SEGV_ACCERR);
	/* a region in the way of the stack: growth into its guard gap is refused */
	uint32_t near = stack_lo - P(4);
	assert_int_equal(uvm_region_insert(&sp, near - P(1), near, RW, UVM_KIND_ANON), 0);
	expect_segv(stack_lo - P(1), U | W, 0, UVM_SEGV_GUARD_GAP, UVM_SEGV_MAPERR);
	/* and a fault in that region's page is its own */
	assert_int_equal(decide(near - 4, U | W, 0, 0).action, UVM_FAULT_ZERO_FILL);
}

/* ---- user-pointer checks ----------------------------------------------------------------- */

static void test_uaccess_check(void **state)
{
	(void)state;
	assert_int_equal(uvm_region_insert(&sp, UA(P(16)), UA(P(20)), RO, UVM_KIND_TEXT), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(20)), UA(P(24)), RW, UVM_KIND_DATA), 0);
	assert_int_equal(uvm_region_insert(&sp, UA(P(24)), UA(P(25)), UVM_PROT_NONE, UVM_KIND_ANON),
			 0);
	assert_int_equal(uvm_stack_setup(&sp, P(2)), 0);
	/* inside, across neighbouring regions, with the right permission */
	assert_int_equal(uaccess_check(&sp, UA(P(16)), P(8), false), 0);
	assert_int_equal(uaccess_check(&sp, UA(P(20)), P(4), true), 0);
	assert_int_equal(uaccess_check(&sp, UA(P(24) - 1), 1, true), 0);
	assert_int_equal(uaccess_check(&sp, UA(P(19)), P(2), true), UVM_EFAULT);   /* text */
	assert_int_equal(uaccess_check(&sp, UA(P(24) - 1), 2, false), UVM_EFAULT); /* PROT_NONE */
	assert_int_equal(uaccess_check(&sp, UA(P(25)), 1, false), UVM_EFAULT);     /* unmapped */
	assert_int_equal(uaccess_check(&sp, UA(P(15)), 2, false), UVM_EFAULT);
	assert_int_equal(uaccess_check(&sp, UA(0), 1, false), UVM_EFAULT); /* NULL */
	assert_int_equal(uaccess_check(&sp, UA(0), 0, false), 0);          /* empty */
	/* outside the user range, wrapping, or ending past it */
	assert_int_equal(uaccess_check(&sp, USER_END, 1, false), UVM_EFAULT);
	assert_int_equal(uaccess_check(&sp, UVM_STACK_TOP - 4, 8, false), UVM_EFAULT);
	assert_int_equal(uaccess_check(&sp, UVM_STACK_TOP - 4, 4, true), 0);
	assert_int_equal(uaccess_check(&sp, UA(P(20)), 0xFFFFFFFFu, false), UVM_EFAULT);
	assert_int_equal(uaccess_check(&sp, 0xFFFFFFF0u, 0x20, false), UVM_EFAULT);
	assert_int_equal(uaccess_check(&sp, UA(P(20)), 0u - UA(P(20)), false), UVM_EFAULT);
	if (USER_START > 0)
		assert_int_equal(uaccess_check(&sp, USER_START - 4, 8, false), UVM_EFAULT);
	/* below the stack: as far as it may grow, not further */
	uint32_t lo = UVM_STACK_TOP - UVM_STACK_MAX;
	assert_int_equal(uaccess_check(&sp, lo, UVM_STACK_MAX, true), 0);
	assert_int_equal(uaccess_check(&sp, lo - 1, 2, true), UVM_EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_insert_find_merge, reset),
		cmocka_unit_test_setup(test_insert_errors, reset),
		cmocka_unit_test_setup(test_remove_splits, reset),
		cmocka_unit_test_setup(test_protect_splits_and_merges, reset),
		cmocka_unit_test_setup(test_find_gap, reset),
		cmocka_unit_test_setup(test_fault_decisions, reset),
		cmocka_unit_test_setup(test_uaccess_check, reset),
	};
	return cmocka_run_group_tests_name("uvm_region", tests, NULL, NULL);
}
