/*
 * test_uvm_model.c - seeded random sequences of fork, write, read, munmap and exit over up to
 * eight simulated processes, each checked against a reference: what every process should see in
 * every page it has (its own copy of the memory, as if fork copied everything at once; zero for
 * pages never written; SIGSEGV for pages unmapped). Runs on the real PMM, page tables and counts
 * (tests/host/test_uvm_machine.c). Along the way every frame's count must equal the number of
 * PTEs mapping it and no writable PTE may map a shared frame; at the end, once every process has
 * exited, the PMM's free count must be exactly what it was before the first process existed.
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
#include "mm/uvm.h"
#include "tests/host/host_env.h"
#include "tests/host/test_uvm_machine.h"

#define RAM_BYTES (64u << 20)
#define PROCS     8
#define NDATA     24 /* pages of the data region */
#define NTEXT     2  /* read-only pages, loaded before the first fork */
#define NSTACK    12 /* stack pages the workload touches (grown on demand) */
#define SLOTS     (NTEXT + NDATA + NSTACK)
#define TEXT_BASE UA(0x08048000)
#define DATA_BASE (TEXT_BASE + NTEXT * PG_SIZE)
#define UNMAPPED  0xFFFFFFFFFFFFull /* model value of a page the process unmapped */
#define STEPS     4000

struct proc {
	bool live;
	struct uvm_space as;
	uint64_t seen[SLOTS]; /* the word each slot should read, or UNMAPPED */
	bool ro[SLOTS];       /* a data page mprotect made read-only */
};

static struct proc procs[PROCS];
static uint32_t rng;
static unsigned actions[UVM_FAULT_SIGSEGV + 1];

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static int setup(void **state)
{
	(void)state;
	machine_setup(RAM_BYTES);
	memset(procs, 0, sizeof procs);
	memset(actions, 0, sizeof actions);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	machine_teardown();
	return 0;
}

/* Slot i's address: text pages, data pages, then stack pages downwards from the top; the word
 * inside the page moves with i, so pages are not all tested at offset 0. */
static uint32_t slot_va(unsigned i)
{
	uint32_t off = (i * 68u) % PG_SIZE;
	if (i < NTEXT + NDATA)
		return TEXT_BASE + i * PG_SIZE + off;
	return UVM_STACK_TOP - (i - NTEXT - NDATA + 1) * PG_SIZE + off;
}

static bool slot_writable(unsigned i)
{
	return i >= NTEXT;
}

static struct uvm_space *const *live_spaces(void)
{
	static struct uvm_space *sp[PROCS];
	for (unsigned p = 0; p < PROCS; p++)
		sp[p] = procs[p].live ? &procs[p].as : NULL;
	return sp;
}

/* The first process: text loaded the way an ELF loader would, data and a one-page stack. */
static void start_init(struct proc *pr)
{
	memset(pr, 0, sizeof *pr);
	assert_int_equal(uvm_space_init(&pr->as), 0);
	assert_int_equal(uvm_region_insert(&pr->as, TEXT_BASE, DATA_BASE,
					   UVM_PROT_READ | UVM_PROT_EXEC, UVM_KIND_TEXT),
			 0);
	assert_int_equal(uvm_region_insert(&pr->as, DATA_BASE, DATA_BASE + NDATA * PG_SIZE,
					   UVM_PROT_READ | UVM_PROT_WRITE, UVM_KIND_DATA),
			 0);
	assert_int_equal(uvm_stack_setup(&pr->as, PG_SIZE), 0);
	for (unsigned i = 0; i < NTEXT; i++) {
		uint32_t pa;
		assert_int_equal(uvm_page_populate(&pr->as, TEXT_BASE + i * PG_SIZE, &pa), 0);
		uint32_t va = slot_va(i);
		*(uint32_t *)mm_phys_to_virt(pa + PGOFF(va)) = 0xC0DE0000u + i;
	}
	for (unsigned i = 0; i < SLOTS; i++)
		pr->seen[i] = i < NTEXT ? 0xC0DE0000u + i : 0;
	pr->live = true;
}

static void do_access(struct proc *pr, unsigned i, bool write)
{
	uint32_t v = write ? next_rand() : 0xDEADBEEFu;
	struct uvm_fault f;
	f.action = (enum uvm_fault_action) - 1;
	enum machine_access got = machine_user_access(&pr->as, slot_va(i), write, &v, &f);
	bool ok = pr->seen[i] != UNMAPPED && (!write || (slot_writable(i) && !pr->ro[i]));
	if (!ok) {
		assert_int_equal(got, MACHINE_SEGV);
		assert_int_equal(f.reason,
				 pr->seen[i] == UNMAPPED ? UVM_SEGV_UNMAPPED : UVM_SEGV_WRITE);
		actions[UVM_FAULT_SIGSEGV]++;
		return;
	}
	assert_int_equal(got, MACHINE_OK);
	if ((int)f.action >= 0)
		actions[f.action]++;
	if (write)
		pr->seen[i] = v;
	else if (v != pr->seen[i])
		fail_msg("process %ld slot %u (0x%08x): read 0x%08x, the model says 0x%08llx",
			 (long)(pr - procs), i, (unsigned)slot_va(i), (unsigned)v,
			 (unsigned long long)pr->seen[i]);
}

static void run_seed(uint32_t seed)
{
	rng = seed;
	size_t free0 = pmm_free_count();
	start_init(&procs[0]);
	unsigned forks = 0, exits = 0, mprotects = 0;
	for (int step = 0; step < STEPS; step++) {
		unsigned p = next_rand() % PROCS;
		struct proc *pr = &procs[p];
		if (!pr->live)
			continue;
		unsigned op = next_rand() % 100, i = next_rand() % SLOTS;
		if (op < 40) {
			do_access(pr, i, true);
		} else if (op < 70) {
			do_access(pr, i, false);
		} else if (op < 84) {
			unsigned c = 0;
			while (c < PROCS && procs[c].live)
				c++;
			if (c == PROCS)
				continue;
			assert_int_equal(uvm_space_fork(&pr->as, &procs[c].as), 0);
			memcpy(procs[c].seen, pr->seen, sizeof pr->seen);
			memcpy(procs[c].ro, pr->ro, sizeof pr->ro);
			procs[c].live = true;
			forks++;
		} else if (op < 94) {
			uvm_space_release(&pr->as);
			pr->live = false;
			exits++;
			unsigned alive = 0;
			for (unsigned q = 0; q < PROCS; q++)
				alive += procs[q].live;
			if (alive == 0)
				start_init(&procs[0]);
		} else if (i >= NTEXT && i < NTEXT + NDATA && op < 97) {
			/* munmap one data page: its frame loses a reference */
			assert_int_equal(uvm_munmap(&pr->as, PG_ROUND_DOWN(slot_va(i)), PG_SIZE),
					 0);
			pr->seen[i] = UNMAPPED;
		} else if (i >= NTEXT && i < NTEXT + NDATA && pr->seen[i] != UNMAPPED) {
			/* mprotect one data page read-only or back: read-write must not make a shared
			 * frame writable (the next write still copies) */
			bool ro = next_rand() % 2;
			assert_int_equal(uvm_mprotect(&pr->as, PG_ROUND_DOWN(slot_va(i)), PG_SIZE,
						      ro ? UVM_PROT_READ :
							   UVM_PROT_READ | UVM_PROT_WRITE),
					 0);
			pr->ro[i] = ro;
			mprotects++;
		}
		if (step % 100 == 0) {
			assert_int_equal(machine_check_counts(live_spaces(), PROCS), 0);
			for (unsigned q = 0; q < PROCS; q++)
				if (procs[q].live)
					assert_int_equal(uvm_region_check(&procs[q].as), 0);
		}
	}
	assert_int_equal(machine_check_counts(live_spaces(), PROCS), 0);
	for (unsigned q = 0; q < PROCS; q++)
		for (unsigned i = 0; i < SLOTS; i++)
			if (procs[q].live)
				do_access(&procs[q], i, false);
	for (unsigned q = 0; q < PROCS; q++)
		if (procs[q].live) {
			uvm_space_release(&procs[q].as);
			procs[q].live = false;
		}
	/* every frame and every page table back: exactly the count before the first process */
	assert_int_equal(pmm_free_count(), free0);
	assert_int_equal(cow_counted_frames(), 0);
	assert_int_equal(vmspace_live_count(), 0);
	assert_int_equal(pmm_check(), 0);
	assert_true(forks > 50 && exits > 50 && mprotects > 10);
}

static void test_random_fork_write_exit(void **state)
{
	(void)state;
	static const uint32_t seeds[] = { 1, 0x9E3779B9u, 20261204u, 0xDEADBEEFu, 77 };
	for (unsigned s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
		run_seed(seeds[s]);
	/* the workload reached every path of the fault handler */
	assert_true(actions[UVM_FAULT_ZERO_FILL] > 0);
	assert_true(actions[UVM_FAULT_COW_COPY] > 0);
	assert_true(actions[UVM_FAULT_REUSE] > 0);
	assert_true(actions[UVM_FAULT_GROW_STACK] > 0);
	assert_true(actions[UVM_FAULT_SIGSEGV] > 0);
	print_message("faults: zero-fill %u, copy %u, reuse %u, stack growth %u, SIGSEGV %u\n",
		      actions[UVM_FAULT_ZERO_FILL], actions[UVM_FAULT_COW_COPY],
		      actions[UVM_FAULT_REUSE], actions[UVM_FAULT_GROW_STACK],
		      actions[UVM_FAULT_SIGSEGV]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_fork_write_exit, setup, teardown),
	};
	return cmocka_run_group_tests_name("uvm_model", tests, NULL, NULL);
}
