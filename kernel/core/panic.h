/*
 * panic.h - stop the kernel with a message: panic("pmm: frame %#x freed twice", pa).
 *
 * Prints "PANIC: <message>" and the caller's address with its function name on every console,
 * then leaves QEMU through isa-debug-exit (QEMU_EXIT_FAIL, process status 35) when the command
 * line has `qemu-exit` or `test=...`; otherwise halts forever (cli; hlt). Never reboots.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdarg.h>
#include <stdint.h>

void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* For wrappers (mm_panic, the trap handler): caller is the address to report. */
void panic_at(uintptr_t caller, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0), noreturn));
/* For the exception handler: pc is the faulting instruction's address (no return-address bias). */
void panic_at_pc(uintptr_t pc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* Exit QEMU (isa-debug-exit) with QEMU_EXIT_PASS/QEMU_EXIT_FAIL if allowed, else halt. */
void kernel_stop(unsigned qemu_exit_code) __attribute__((noreturn));

#endif
