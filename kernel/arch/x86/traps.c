/*
 * traps.c - what happens on a CPU exception: name it, show the machine state, panic.
 *
 * trap_dispatch() is called by isr_common (isr.asm) for every vector. IRQ vectors go to
 * irq_dispatch(). A trap from ring 3 goes to the process code: `int $0x80` to syscall_dispatch,
 * an exception to user_fault_handle (a resolved page fault, or the end of the process); any
 * trap from ring 3 ends in proc_preempt, where a process whose time slice is over yields. For
 * kernel exceptions a test or driver may have hooked the vector
 * (trap_set_handler); otherwise the report is:
 *   EXCEPTION: <name> (vector N, error code 0x...)
 *   registers (eip with its function name, general, segment and control registers)
 *   for #PF: pagefault_report() (kernel/mm/pagefault.c), which explains the fault and panics
 *   otherwise PANIC: <name> (vector N) at eip 0x..., error code 0x...
 * Names and error-code conventions: Intel SDM Vol. 3A, table 6-1 and section 6.15.
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/irq.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/arch/x86/tss.h"
#include "kernel/core/panic.h"
#include "kernel/debug/ksyms.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/pagefault.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/syscall.h"
#include "kernel/proc/user_fault.h"

#include <stddef.h>

static const char *const trap_names[TRAP_NUM_EXCEPTIONS] = {
	[0] = "Divide error",
	[1] = "Debug",
	[2] = "NMI interrupt",
	[3] = "Breakpoint",
	[4] = "Overflow",
	[5] = "BOUND range exceeded",
	[6] = "Invalid opcode",
	[7] = "Device not available",
	[8] = "Double fault",
	[9] = "Coprocessor segment overrun",
	[10] = "Invalid TSS",
	[11] = "Segment not present",
	[12] = "Stack-segment fault",
	[13] = "General protection fault",
	[14] = "Page fault",
	[15] = "Reserved exception 15",
	[16] = "x87 floating-point error",
	[17] = "Alignment check",
	[18] = "Machine check",
	[19] = "SIMD floating-point exception",
	[20] = "Virtualization exception",
	[21] = "Control protection exception",
	[22] = "Reserved exception 22",
	[23] = "Reserved exception 23",
	[24] = "Reserved exception 24",
	[25] = "Reserved exception 25",
	[26] = "Reserved exception 26",
	[27] = "Reserved exception 27",
	[28] = "Hypervisor injection exception",
	[29] = "VMM communication exception",
	[30] = "Security exception",
	[31] = "Reserved exception 31",
};

static trap_handler_t trap_hooks[TRAP_NUM_EXCEPTIONS];

const char *trap_name(unsigned vector)
{
	if (vector < TRAP_NUM_EXCEPTIONS)
		return trap_names[vector];
	if (vector < IRQ_VECTOR_BASE + IRQ_COUNT)
		return "IRQ";
	return "Unknown vector";
}

void trap_set_handler(unsigned vector, trap_handler_t handler)
{
	if (vector >= TRAP_NUM_EXCEPTIONS)
		panic("trap_set_handler: vector %u is not an exception (0-%u)", vector,
		      TRAP_NUM_EXCEPTIONS - 1);
	trap_hooks[vector] = handler;
}

void trap_dump_registers(const struct trap_frame *tf)
{
	uintptr_t off = 0;
	const char *name = ksym_lookup(tf->eip, &off);

	if (name)
		kprintf("  eip=0x%08x (%s+0x%x)\n", (unsigned)tf->eip, name, (unsigned)off);
	else
		kprintf("  eip=0x%08x (not in kernel text)\n", (unsigned)tf->eip);
	trap_dump_state(tf);
}

void trap_dump_state(const struct trap_frame *tf)
{
	kprintf("  eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", (unsigned)tf->eax,
		(unsigned)tf->ebx, (unsigned)tf->ecx, (unsigned)tf->edx);
	kprintf("  esi=0x%08x edi=0x%08x ebp=0x%08x esp=0x%08x\n", (unsigned)tf->esi,
		(unsigned)tf->edi, (unsigned)tf->ebp, (unsigned)trap_frame_esp(tf));
	kprintf("  cs=0x%04x ds=0x%04x es=0x%04x fs=0x%04x gs=0x%04x eflags=0x%08x\n",
		(unsigned)tf->cs & 0xFFFF, (unsigned)tf->ds & 0xFFFF, (unsigned)tf->es & 0xFFFF,
		(unsigned)tf->fs & 0xFFFF, (unsigned)tf->gs & 0xFFFF, (unsigned)tf->eflags);
	kprintf("  cr0=0x%08x cr2=0x%08x cr3=0x%08x cr4=0x%08x\n", (unsigned)cpu_read_cr0(),
		(unsigned)cpu_read_cr2(), (unsigned)cpu_read_cr3(),
		(unsigned)cpu_read_cr4_if_present());
}

void trap_dispatch(struct trap_frame *tf);

void trap_dispatch(struct trap_frame *tf)
{
	unsigned v = tf->vector;

	tss_sync_cr3(); /* keep the double-fault task on the current page directory (tss.h) */
	if (v >= IRQ_VECTOR_BASE && v < IRQ_VECTOR_BASE + IRQ_COUNT) {
		irq_dispatch(tf); /* the EOI is sent: the PIC is free while another process runs */
		if (trap_frame_from_user(tf))
			proc_preempt();
		return;
	}
	/* A user program: its system calls, and its exceptions, which end only the program. On the
	 * way back to ring 3 it gives up the CPU if its time slice is over: the kernel is never
	 * preempted, only code in ring 3. */
	if (trap_frame_from_user(tf)) {
		if (v == TRAP_SYSCALL)
			syscall_dispatch(tf);
		else
			user_fault_handle(tf, cpu_read_cr2());
		proc_preempt();
		return;
	}
	if (v < TRAP_NUM_EXCEPTIONS && trap_hooks[v] && trap_hooks[v](tf))
		return;

	/* Read CR2 first: nothing below may fault, but keep the value the CPU gave us. */
	uint32_t cr2 = cpu_read_cr2();

	kprintf("EXCEPTION: %s (vector %u, error code 0x%08x)\n", trap_name(v), v,
		(unsigned)tf->error_code);
	trap_dump_registers(tf);
	if (v == TRAP_PAGE_FAULT)
		pagefault_report(tf, cr2); /* does not return */
	panic_at_pc(tf->eip, "%s (vector %u) at eip 0x%08x, error code 0x%x", trap_name(v), v,
		    (unsigned)tf->eip, (unsigned)tf->error_code);
}
