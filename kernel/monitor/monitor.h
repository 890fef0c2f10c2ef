/*
 * monitor.h - the kernel monitor: an interactive prompt on COM1 and the PS/2 keyboard for
 * looking at and poking the memory system (docs/monitor.md lists the commands).
 *
 * kmain calls monitor_run() as its last step. It starts the input drivers (serial IRQ 4,
 * keyboard IRQ 1), enables interrupts, and reads lines forever; it only ends through `halt`,
 * `reboot`, or the panic a deliberate `fault` (or forced misuse) causes. With the word
 * `nomonitor` on the kernel command line it returns at once (boot tests that only want the
 * kernel to come up and leave).
 */
#ifndef KERNEL_MONITOR_MONITOR_H
#define KERNEL_MONITOR_MONITOR_H

#define MON_PROMPT "mon> "

void monitor_run(void);

/* The editor's history, for the `history` command (k = 1 is the newest), or NULL. */
const char *monitor_history(unsigned k);

#endif
