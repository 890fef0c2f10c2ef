/*
 * paging_sim.c - the simulated machine of the paging tests (paging_sim.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tests/host/paging_sim.h"

uint8_t *ram;
static uint32_t free_stack[FRAMES];
static unsigned free_top;
uint8_t frame_used[FRAMES];
unsigned alloc_limit;
uint32_t direct_limit;
uint32_t last_cr3, last_invlpg;
unsigned invlpg_count, cr3_count;
jmp_buf panic_jmp;
int panic_armed;
char panic_msg[256];

void *mm_phys_to_virt(uint32_t pa)
{
	assert_true(pa < PHYS_SIZE);
	return ram + pa;
}

uint32_t mm_direct_limit(void)
{
	return direct_limit;
}
void mm_load_cr3(uint32_t pa)
{
	last_cr3 = pa;
	cr3_count++;
}
void mm_invlpg(uint32_t va)
{
	last_invlpg = va;
	invlpg_count++;
}
const char *mm_symbol_name(uintptr_t addr, uintptr_t *offset)
{
	(void)addr;
	(void)offset;
	return NULL;
}

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

size_t pmm_free_count(void)
{
	return free_top;
}

int paging_sim_setup(void **state)
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

int paging_sim_teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}
