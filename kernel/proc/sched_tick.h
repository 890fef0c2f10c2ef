/*
 * sched_tick.h - the scheduler's clock: the 8254's channel 0 (IRQ 0) ticking SCHED_HZ times a
 * second while processes run, the tick count sleeps are measured in, and the time slice after
 * which the process running in ring 3 gives the CPU to the next runnable one.
 *
 * The tick handler only counts: it bumps the tick count and, when the interrupted code was a
 * process in ring 3 that has used up its slice, raises the flag the way back to ring 3 reads
 * (trap_dispatch -> proc_preempt). Who runs next and who wakes up is the scheduler's business
 * (proc_run_all), which runs with interrupts off, so the handler never touches the process table.
 */
#ifndef KERNEL_PROC_SCHED_TICK_H
#define KERNEL_PROC_SCHED_TICK_H

#include <stdbool.h>
#include <stdint.h>

#include "x86.h"

/* 100 Hz, Linux's classic HZ on i386: a 10 ms tick. */
#define SCHED_HZ          100
/* Ticks of CPU a process gets before the next runnable one runs: 10 to 20 ms, depending on
 * where in a tick period its slice began. */
#define SCHED_SLICE_TICKS 2
/* The real length of a tick in ns, rounded down (the divisor is PIT_INPUT_HZ / SCHED_HZ, so a
 * tick is a little shorter than 1 / SCHED_HZ): a count of ticks made from it never falls short. */
#define SCHED_TICK_NS     ((uint32_t)((uint64_t)(PIT_INPUT_HZ / SCHED_HZ) * 1000000000u / PIT_INPUT_HZ))

/* Program channel 0 for SCHED_HZ, install the IRQ 0 handler, unmask the line. */
void sched_tick_start(void);
/* Mask IRQ 0 again (no process left to share the CPU between). */
void sched_tick_stop(void);
/* Ticks since the first sched_tick_start. */
uint64_t sched_tick_now(void);
/* The process about to run gets a whole slice; a pending preemption is dropped. */
void sched_tick_new_slice(void);
/* The running process's slice is over: it should give up the CPU on its way to ring 3. */
bool sched_tick_slice_over(void);
/* The number of ticks that make at least sec seconds and nsec nanoseconds (nsec below 10^9),
 * counted from now: one more than the rounded-up quotient, since the current tick period is
 * already partly gone; 0 for no time at all. */
uint64_t sched_tick_from_time(uint32_t sec, uint32_t nsec);

#endif
