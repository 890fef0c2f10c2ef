/*
 * test_uvm_machine.c - the simulated machine of the address-space tests (test_uvm_machine.h).
 * The MMU model follows Intel SDM Vol. 3A 4.6 (a user access needs U in the PTE, a write needs
 * W: the PDEs of user tables allow both) and 4.7 (the error code: P set when the page was
 * present, W for a write, U for a user-mode access).
 */
#include "tests/host/test_uvm_machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/cow.h"
#include "mm/memmap.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "tests/host/host_env.h"

static struct memmap map;
static struct memmap_scratch scratch;

static void machine_fail_hook(const char *msg)
{
	fail_msg("unexpected mm_panic: %s", msg);
	abort();
}

void machine_setup(uint64_t ram_bytes)
{
	host_ram_init(ram_bytes);
	host_log_quiet = true;
	host_panic_hook = machine_fail_hook;
	const struct memmap_range raw[] = {
		{ 0x0, 0x9FC00, MEMMAP_USABLE },
		{ 0x9FC00, 0x100000, MEMMAP_RESERVED },
		{ 0x100000, ram_bytes, MEMMAP_USABLE },
	};
	memmap_sanitise(&map, raw, 3, &scratch);
	pmm_init(&map, NULL, 0);
	assert_int_equal(paging_kernel_create(), PAGING_OK);
	assert_int_equal(paging_prealloc_tables(KHEAP_START, KHEAP_END), PAGING_OK);
	assert_true(cow_init(0));
}

void machine_teardown(void)
{
	host_panic_hook = NULL;
	host_ram_init(0);
}

enum machine_access machine_user_access(struct uvm_space *as, uint32_t va, bool write,
					uint32_t *val, struct uvm_fault *fault)
{
	for (int tries = 0; tries < 3; tries++) {
		pte_t pte = 0;
		bool user_ok = va >= USER_START && va < USER_END &&
			       paging_get_pte(as->pd, va & ~3u, &pte) && (pte & PTE_P) &&
			       (pte & PTE_U) && (!write || (pte & PTE_W));
		if (user_ok) {
			uint32_t *p = (uint32_t *)mm_phys_to_virt(PTE_ADDR(pte) | PGOFF(va & ~3u));
			if (write)
				*p = *val;
			else
				*val = *p;
			return MACHINE_OK;
		}
		uint32_t err = PFE_U | (write ? PFE_W : 0) | (pte & PTE_P ? PFE_P : 0);
		switch (uvm_fault_handle(as, va, err, fault)) {
		case UVM_FAULT_RESOLVED:
			break;
		case UVM_FAULT_SEGV:
			return MACHINE_SEGV;
		case UVM_FAULT_OOM:
			return MACHINE_OOM;
		}
	}
	fail_msg("user access to 0x%08x still faults after three resolved faults", (unsigned)va);
	return MACHINE_SEGV;
}

/* Calls fn(space index, va, pte, ctx) for every present user PTE of every space. */
static void machine_each_pte(struct uvm_space *const *spaces, unsigned n,
			     void (*fn)(unsigned, uint32_t, pte_t, void *), void *ctx)
{
	for (unsigned s = 0; s < n; s++) {
		if (!spaces[s])
			continue;
		for (uint64_t va = USER_START; va < USER_END; va += LG_SIZE) {
			if (!(paging_get_pde(spaces[s]->pd, (uint32_t)va) & PTE_P))
				continue;
			for (unsigned t = 0; t < PT_ENTRIES; t++) {
				pte_t pte;
				uint32_t v = (uint32_t)va + t * PG_SIZE;
				if (paging_get_pte(spaces[s]->pd, v, &pte) && (pte & PTE_P))
					fn(s, v, pte, ctx);
			}
		}
	}
}

struct count_ctx {
	uint32_t pa;
	unsigned n;
};

static void count_one(unsigned s, uint32_t va, pte_t pte, void *ctx)
{
	(void)s;
	(void)va;
	struct count_ctx *c = ctx;
	if (PTE_ADDR(pte) == c->pa)
		c->n++;
}

unsigned machine_mappings_of(struct uvm_space *const *spaces, unsigned n, uint32_t pa)
{
	struct count_ctx c = { pa, 0 };
	machine_each_pte(spaces, n, count_one, &c);
	return c.n;
}

struct check_ctx {
	struct uvm_space *const *spaces;
	unsigned n, bad, ptes;
};

static void check_one(unsigned s, uint32_t va, pte_t pte, void *ctx)
{
	struct check_ctx *c = ctx;
	uint32_t pa = PTE_ADDR(pte);
	unsigned refs = cow_ref_count(pa), maps = machine_mappings_of(c->spaces, c->n, pa);
	c->ptes++;
	if (refs != maps || ((pte & PTE_W) && refs != 1)) {
		if (c->bad++ < 5)
			print_error("space %u va 0x%08x pte 0x%08x: count %u, mapped %u times\n", s,
				    (unsigned)va, (unsigned)pte, refs, maps);
	}
}

unsigned machine_check_counts(struct uvm_space *const *spaces, unsigned n)
{
	struct check_ctx c = { spaces, n, 0, 0 };
	machine_each_pte(spaces, n, check_one, &c);
	/* Every counted frame is mapped somewhere: the sum of counts is the number of PTEs. */
	size_t distinct = cow_counted_frames();
	size_t sum = 0;
	for (uint32_t f = 0; f < pmm_frames_covered(); f++)
		sum += cow_ref_count(f << PG_SHIFT);
	if (sum != c.ptes) {
		print_error("counts sum to %zu over %zu frames, %u PTEs map user frames\n", sum,
			    distinct, c.ptes);
		c.bad++;
	}
	return c.bad;
}
