/*
 * paging_sim.h - the simulated machine that the paging tests (test_paging.c, test_paging_boot.c,
 * test_vmspace.c) run mm/paging*.c, mm/vmspace.c and mm/kmap.c on: PHYS_SIZE bytes of "RAM" in an
 * array, mm_phys_to_virt an offset into it, a small frame allocator (a stack of free frames plus
 * a byte per frame that catches double frees and frees of frames never handed out, with the
 * below-a-limit request page tables use), and recorders for CR3 loads and INVLPGs so the tests
 * can check the TLB is invalidated exactly when a present entry changes. mm_panic longjmps back
 * into the test that expects it (EXPECT_PANIC).
 */
#ifndef TESTS_HOST_PAGING_SIM_H
#define TESTS_HOST_PAGING_SIM_H

#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "mm/kmap.h"
#include "mm/paging.h"
#include "mm/pmm.h"

#define PHYS_SIZE   (16u << 20) /* 16 MiB of simulated RAM */
#define FRAMES      (PHYS_SIZE / PG_SIZE)
#define FIRST_FRAME (0x100000 / PG_SIZE) /* frames handed out from 1 MiB up */

extern uint8_t *ram;
extern uint8_t frame_used[FRAMES];
extern unsigned alloc_limit;  /* allocations left before "out of memory" */
extern uint32_t direct_limit; /* mm_direct_limit(): 0 = all of RAM */
extern uint32_t last_cr3, last_invlpg;
extern unsigned invlpg_count, cr3_count;
extern jmp_buf panic_jmp;
extern int panic_armed;
extern char panic_msg[256];

/* cmocka fixture: each test starts with fresh RAM, a full allocator and a kernel space. */
int paging_sim_setup(void **state);
int paging_sim_teardown(void **state);

#define EXPECT_PANIC(stmt, needle)                           \
	do {                                                 \
		panic_armed = 1;                             \
		if (setjmp(panic_jmp) == 0) {                \
			stmt;                                \
			fail_msg("no mm_panic from " #stmt); \
		}                                            \
		assert_non_null(strstr(panic_msg, needle));  \
	} while (0)

static inline const pde_t *dir(vmspace_t s)
{
	return (const pde_t *)(ram + s);
}

#define UVA    0x08048000u                         /* a user address: an i386 program's text */
#define DM(pa) (DIRECT_MAP_START + (uint32_t)(pa)) /* the direct-map address of pa */

#endif
