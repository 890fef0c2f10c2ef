/*
 * sched_tick.c - the scheduler's clock on the 8254's channel 0 (see sched_tick.h).
 *
 * Channel 0 runs in mode 2, the rate generator (Intel 82C54 data sheet), and the 8259 line is
 * edge-triggered: one interrupt per period, whatever the kernel does meanwhile. The kernel runs
 * with interrupts off (every gate is an interrupt gate), so a tick only lands while a process is
 * in ring 3 or while the scheduler idles in HLT; a tick that lands in ring 3 is charged to the
 * running process's slice.
 */
#include "kernel/proc/sched_tick.h"
#include "kernel/arch/x86/irq.h"
#include "kernel/arch/x86/pit.h"

static volatile uint64_t tick_count;
static volatile unsigned slice_used;
static volatile bool slice_over;

static void sched_tick_irq(struct trap_frame *tf)
{
	tick_count++;
	if (trap_frame_from_user(tf) && ++slice_used >= SCHED_SLICE_TICKS)
		slice_over = true;
}

void sched_tick_start(void)
{
	pit_set_rate(SCHED_HZ);
	irq_register(IRQ_TIMER, sched_tick_irq);
	irq_unmask(IRQ_TIMER);
}

void sched_tick_stop(void)
{
	irq_mask(IRQ_TIMER);
}

uint64_t sched_tick_now(void)
{
	return tick_count;
}

void sched_tick_new_slice(void)
{
	slice_used = 0;
	slice_over = false;
}

bool sched_tick_slice_over(void)
{
	return slice_over;
}

uint64_t sched_tick_from_time(uint32_t sec, uint32_t nsec)
{
	uint64_t ns = (uint64_t)sec * 1000000000u + nsec;

	return ns ? (ns + SCHED_TICK_NS - 1) / SCHED_TICK_NS + 1 : 0;
}
