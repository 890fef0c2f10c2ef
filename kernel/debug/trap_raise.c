/*
 * trap_raise.c - `trap=<name>` on the command line raises one CPU exception on purpose, with no
 * hook installed, so the full report (name, registers, panic) can be seen and tested:
 *   trap=divide  Divide error (#DE, vector 0)      trap=int3  Breakpoint (#BP, vector 3)
 *   trap=ud2     Invalid opcode (#UD, vector 6)    trap=gp    General protection (#GP, 13)
 *   trap=double  Double fault (#DF, 8): #GP with its gate marked not present, so delivering it
 *                raises #NP, and two contributory exceptions make a double fault (SDM 3A
 *                table 6-5); the double-fault task (tss.c) reports it
 *   trap=stack   a runaway recursion into the unmapped guard page below the boot stack: the page
 *                fault cannot be delivered on the overflowed stack, so it becomes a double fault,
 *                which the double-fault task reports as a kernel stack overflow (needs paging,
 *                which is what unmaps the guard page: refused before paging is on)
 * Unknown names panic with the list, so a typo is not silently ignored.
 */
#include "kernel/debug/trap_raise.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/panic.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "x86.h"

#define TRAP_RAISE_BAD_SELECTOR 0x1230 /* beyond our 5-entry GDT: #GP(0x1230) on load */

/* Depth limit the compiler cannot see through, so the recursion is neither infinite to its eyes
 * (-Winfinite-recursion) nor turned into a loop. */
static volatile unsigned trap_raise_depth_limit = 1u << 30;

static unsigned trap_raise_recurse(unsigned depth)
{
	volatile uint8_t frame[256]; /* 16 KiB of stack in about 64 calls */

	frame[depth % sizeof(frame)] = (uint8_t)depth;
	if (depth >= trap_raise_depth_limit)
		return frame[0];
	return trap_raise_recurse(depth + 1) + frame[depth % sizeof(frame)];
}

void trap_raise_from_cmdline(void)
{
	const char *which = cmdline_get("trap");
	uint32_t zero = 0, quotient = 1;

	if (!which)
		return;
	kprintf("trap: raising '%s' on purpose (trap= on the command line)\n", which);
	if (strcmp(which, "divide") == 0)
		__asm__ volatile("xorl %%edx, %%edx; divl %1"
				 : "+a"(quotient)
				 : "r"(zero)
				 : "edx", "cc");
	else if (strcmp(which, "int3") == 0)
		__asm__ volatile("int3");
	else if (strcmp(which, "ud2") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(which, "gp") == 0)
		__asm__ volatile("movw %w0, %%fs" : : "r"(TRAP_RAISE_BAD_SELECTOR));
	else if (strcmp(which, "stack") == 0) {
		if (!(cpu_read_cr0() & CR0_PG))
			panic("trap=stack: paging is off, so the guard page below the stack is "
			      "mapped and an overflow would overwrite memory instead of faulting");
		quotient = trap_raise_recurse(0);
	} else if (strcmp(which, "double") == 0) {
		idt_clear_gate(TRAP_GP_FAULT);
		__asm__ volatile("movw %w0, %%fs" : : "r"(TRAP_RAISE_BAD_SELECTOR));
	} else
		panic("trap=%s: unknown exception (use divide, int3, ud2, gp, double or stack)",
		      which);
	panic("trap=%s: the exception did not stop the kernel (quotient %u)", which,
	      (unsigned)quotient);
}
