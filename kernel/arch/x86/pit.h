/*
 * pit.h - the 8254 programmable interval timer's channel 0 (IRQ 0) as a periodic tick.
 *
 * Mode 2 (rate generator), divisor written low byte then high byte (Intel 82C54 data sheet;
 * ports and the command byte in include/x86.h). The scheduler's tick (kernel/proc/sched_tick.c)
 * runs on it; the in-kernel test suites use it to get real timer interrupts.
 */
#ifndef KERNEL_ARCH_X86_PIT_H
#define KERNEL_ARCH_X86_PIT_H

#include "kernel/arch/x86/io.h"
#include "x86.h"

/* Program channel 0 for about hz interrupts per second (19-1193182). */
static inline void pit_set_rate(unsigned hz)
{
	unsigned divisor = PIT_INPUT_HZ / hz;

	outb(PORT_PIT_CMD, PIT_CMD_CH0_RATE);
	outb(PORT_PIT_CH0, (uint8_t)(divisor & 0xFF));
	outb(PORT_PIT_CH0, (uint8_t)(divisor >> 8));
}

#endif
