/*
 * out.h - how monitor code prints.
 *
 * Everything under kernel/monitor/ prints through mon_printf, never kprintf directly, so that the
 * host tests (tests/host/test_monitor*.c) can link the parser and the command dispatcher and
 * capture what they print. The kernel's version (out.c) goes to every console through kprintf.
 * Errors start with "error: " so that a reader and the test harness can tell them apart.
 */
#ifndef KERNEL_MONITOR_OUT_H
#define KERNEL_MONITOR_OUT_H

void mon_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
