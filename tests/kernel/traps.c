/*
 * traps.c - in-kernel suite `traps`: the IDT, the stubs and the PIC, exercised for real.
 *
 * Each exception test hooks its vector (trap_set_handler), raises the exception in inline
 * assembly, and resumes after it by moving the frame's EIP to a label: that proves the stub
 * built a frame with the right vector, error code, EIP (the faulting instruction for faults, the
 * next one for traps, SDM Vol. 3A 6.5) and registers, and that IRET restores a modified frame.
 * The IRQ test programs the PIT (8254) for a few ticks: IRQ 0 must arrive on vector 32 (remapped;
 * unremapped it would look like a double fault) repeatedly (so the EOI works).
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/io.h"
#include "kernel/arch/x86/irq.h"
#include "kernel/arch/x86/pic.h"
#include "kernel/arch/x86/pit.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/debug/ktest.h"
#include "kernel/lib/string.h"
#include "x86.h"

#define PIT_HZ         100
#define PIT_WANT_TICKS 3
#define PIT_MAX_SPINS  50000000u

static volatile struct trap_frame traps_seen;
static volatile unsigned traps_count;
static volatile uint32_t traps_resume_eip, traps_fault_eip;

/* Hook: record the frame, resume at traps_resume_eip (if set), plant a value in EAX. */
static int traps_record(struct trap_frame *tf)
{
	traps_seen = *tf;
	traps_count++;
	if (traps_resume_eip)
		tf->eip = traps_resume_eip;
	tf->eax = 0xC0FFEE00u | tf->vector;
	return 1;
}

static void traps_reset(void)
{
	traps_count = 0;
	traps_resume_eip = traps_fault_eip = 0;
	memset((void *)&traps_seen, 0, sizeof(traps_seen));
}

static void traps_check_idt(void)
{
	struct idt_pointer idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	ktap_ok(idtr.limit == TRAP_NUM_VECTORS * 8 - 1, "IDT limit covers 256 gates (0x%x)",
		(unsigned)idtr.limit);
	const struct idt_gate *gates = (const struct idt_gate *)(uintptr_t)idtr.base;
	ktap_ok(gates[14].selector == SEG_KCODE && (gates[14].type_attr & 0x80) &&
			!(gates[48].type_attr & 0x80),
		"gates 0-47 present with the kernel code selector, 48+ not");
	ktap_ok(strcmp(trap_name(TRAP_PAGE_FAULT), "Page fault") == 0 &&
			strcmp(trap_name(TRAP_DIVIDE_ERROR), "Divide error") == 0 &&
			strcmp(trap_name(TRAP_GP_FAULT), "General protection fault") == 0,
		"exceptions are named in words");
}

static void traps_check_breakpoint(void)
{
	uint32_t eax, ebx = 0x11111111, esi = 0x22222222, edi = 0x33333333, after;

	traps_reset();
	trap_set_handler(TRAP_BREAKPOINT, traps_record);
	__asm__ volatile("movl $1f, %[after]\n\t"
			 "int3\n"
			 "1:"
			 : "=a"(eax), [after] "=m"(after), "+b"(ebx), "+S"(esi), "+D"(edi)
			 : "a"(0)
			 : "memory", "cc");
	trap_set_handler(TRAP_BREAKPOINT, NULL);
	ktap_ok(traps_count == 1 && traps_seen.vector == TRAP_BREAKPOINT,
		"int3 reached the hook once (count %u, vector %u)", traps_count,
		(unsigned)traps_seen.vector);
	ktap_ok(traps_seen.eip == after,
		"breakpoint is a trap: saved EIP 0x%08x is the next instruction "
		"0x%08x",
		(unsigned)traps_seen.eip, (unsigned)after);
	ktap_ok(traps_seen.ebx == 0x11111111 && traps_seen.esi == 0x22222222 &&
			traps_seen.edi == 0x33333333 && traps_seen.cs == SEG_KCODE &&
			traps_seen.ds == SEG_KDATA && traps_seen.error_code == 0,
		"frame holds the interrupted registers, CS, DS, error code 0");
	ktap_ok(eax == (0xC0FFEE00u | TRAP_BREAKPOINT) && ebx == 0x11111111,
		"IRET restores the frame the hook changed (eax=0x%08x)", (unsigned)eax);
}

static void traps_check_divide(void)
{
	uint32_t eax;

	traps_reset();
	trap_set_handler(TRAP_DIVIDE_ERROR, traps_record);
	__asm__ volatile("movl $1f, %[resume]\n\t"
			 "movl $2f, %[fault]\n\t"
			 "xorl %%edx, %%edx\n"
			 "2:\tdivl %%ecx\n"
			 "1:"
			 : "=a"(eax), [resume] "=m"(traps_resume_eip), [fault] "=m"(traps_fault_eip)
			 : "a"(10), "c"(0)
			 : "edx", "memory", "cc");
	trap_set_handler(TRAP_DIVIDE_ERROR, NULL);
	ktap_ok(traps_count == 1 && traps_seen.vector == TRAP_DIVIDE_ERROR,
		"divide by zero raised vector 0 once");
	ktap_ok(traps_seen.eip == traps_fault_eip,
		"divide error is a fault: EIP 0x%08x is the div "
		"(0x%08x)",
		(unsigned)traps_seen.eip, (unsigned)traps_fault_eip);
	ktap_ok(eax == 0xC0FFEE00u, "execution resumed after the div with the hook's eax");
}

static void traps_check_invalid_opcode(void)
{
	traps_reset();
	trap_set_handler(TRAP_INVALID_OPCODE, traps_record);
	__asm__ volatile("movl $1f, %[resume]\n\t"
			 "ud2\n"
			 "1:"
			 : [resume] "=m"(traps_resume_eip)
			 :
			 : "eax", "memory");
	trap_set_handler(TRAP_INVALID_OPCODE, NULL);
	ktap_ok(traps_count == 1 && traps_seen.vector == TRAP_INVALID_OPCODE &&
			traps_seen.error_code == 0,
		"ud2 raised Invalid opcode (vector 6) with no error code");
}

/* A selector beyond the GDT limit: #GP with the selector's index as error code (SDM 3A 6.13). */
static void traps_check_gp_error_code(void)
{
	const uint16_t bad = 0x1230;

	traps_reset();
	trap_set_handler(TRAP_GP_FAULT, traps_record);
	__asm__ volatile("movl $1f, %[resume]\n\t"
			 "movw %[sel], %%fs\n"
			 "1:"
			 : [resume] "=m"(traps_resume_eip)
			 : [sel] "r"(bad)
			 : "eax", "memory");
	trap_set_handler(TRAP_GP_FAULT, NULL);
	ktap_ok(traps_count == 1 && traps_seen.vector == TRAP_GP_FAULT,
		"loading selector 0x%x into FS raised #GP", (unsigned)bad);
	ktap_ok(traps_seen.error_code == bad, "the CPU's error code reached the frame (0x%x)",
		(unsigned)traps_seen.error_code);
}

static volatile uint32_t traps_ticks;

static void traps_timer(struct trap_frame *tf)
{
	(void)tf;
	traps_ticks++;
}

static void traps_check_irq(void)
{
	uint32_t spins = 0, before = irq_count(IRQ_TIMER);

	ktap_ok((pic_get_mask() & (1u << IRQ_TIMER)) != 0, "IRQ 0 starts masked (mask 0x%04x)",
		(unsigned)pic_get_mask());
	traps_ticks = 0;
	irq_register(IRQ_TIMER, traps_timer);
	pit_set_rate(PIT_HZ);
	irq_unmask(IRQ_TIMER);
	cpu_sti();
	while (traps_ticks < PIT_WANT_TICKS && ++spins < PIT_MAX_SPINS)
		__asm__ volatile("pause" ::: "memory");
	cpu_cli();
	irq_mask(IRQ_TIMER);
	irq_register(IRQ_TIMER, NULL);
	ktap_ok(traps_ticks >= PIT_WANT_TICKS,
		"timer IRQ 0 delivered on vector %u, %u times (EOI works)", IRQ_VECTOR_BASE,
		(unsigned)traps_ticks);
	ktap_ok(irq_count(IRQ_TIMER) - before >= traps_ticks, "irq_count counted them");
	ktap_ok((pic_get_mask() & (1u << IRQ_TIMER)) != 0, "irq_mask masked IRQ 0 again");
}

static void traps_suite(void)
{
	traps_check_idt();
	traps_check_breakpoint();
	traps_check_divide();
	traps_check_invalid_opcode();
	traps_check_gp_error_code();
	traps_check_irq();
}
KTEST_SUITE("traps", traps_suite);
