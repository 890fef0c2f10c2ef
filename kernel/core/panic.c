/*
 * panic.c - the one way the kernel stops on an error.
 *
 * The report names the message, the caller (address and function, from the embedded symbol
 * table) and a short frame-pointer backtrace (the kernel is built with -fno-omit-frame-pointer).
 * A panic during a panic only halts, so a broken console cannot loop us.
 */
#include "kernel/core/panic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/io.h"
#include "kernel/core/cmdline.h"
#include "kernel/debug/ksyms.h"
#include "kernel/layout.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "x86.h"

#include <stdbool.h>

#define PANIC_BACKTRACE_MAX 8

static volatile int panic_depth;

/*
 * For a return address (bias 1) look up addr - 1: a call to a noreturn function can be the last
 * instruction of its function, and its return address is then the next function's first byte.
 */
static void panic_print_symbol(const char *what, uintptr_t addr, uintptr_t bias)
{
	uintptr_t off = 0;
	const char *name = ksym_lookup(addr - bias, &off);

	if (name)
		kprintf("%s 0x%08x (%s+0x%x)\n", what, (unsigned)addr, name,
			(unsigned)(off + bias));
	else
		kprintf("%s 0x%08x (unknown)\n", what, (unsigned)addr);
}

/* True for return addresses inside the panic machinery itself (not worth a backtrace line). */
static bool panic_is_own_frame(uintptr_t ret)
{
	const char *name = ksym_lookup(ret - 1, NULL);

	return name && (strncmp(name, "panic", 5) == 0 || strcmp(name, "mm_panic") == 0);
}

/* Follow saved EBP links while they stay inside the boot stack and move upwards. */
static void panic_backtrace(void)
{
	const uint32_t *fp = __builtin_frame_address(0);

	for (int shown = 0; shown < PANIC_BACKTRACE_MAX;) {
		if ((uintptr_t)fp < (uintptr_t)__stack_bottom ||
		    (uintptr_t)fp + 8 > (uintptr_t)__stack_top || fp[1] == 0)
			break;
		if (!panic_is_own_frame(fp[1])) {
			panic_print_symbol("  frame", fp[1], 1);
			shown++;
		}
		if (fp[0] <= (uintptr_t)fp)
			break;
		fp = (const uint32_t *)(uintptr_t)fp[0];
	}
}

void kernel_stop(unsigned qemu_exit_code)
{
	/* QEMU exits at this write when the device exists; elsewhere it does nothing. */
	if (cmdline_has("qemu-exit") || cmdline_get("test"))
		outb(PORT_QEMU_EXIT, (uint8_t)qemu_exit_code);
	cpu_halt_forever();
}

static __attribute__((noreturn)) void panic_report(uintptr_t addr, uintptr_t bias, const char *fmt,
						   va_list ap)
{
	cpu_cli();
	if (panic_depth++ == 0) {
		kprintf("PANIC: ");
		kvprintf(fmt, ap);
		kprintf("\n");
		panic_print_symbol(bias ? "panic: called from" : "panic: at", addr, bias);
		kprintf("panic: backtrace:\n");
		panic_backtrace();
	}
	kernel_stop(QEMU_EXIT_FAIL);
}

void panic_at(uintptr_t caller, const char *fmt, va_list ap)
{
	panic_report(caller, 1, fmt, ap);
}

void panic_at_pc(uintptr_t pc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_report(pc, 0, fmt, ap);
	va_end(ap); /* not reached */
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_report((uintptr_t)__builtin_return_address(0), 1, fmt, ap);
	va_end(ap); /* not reached */
}
