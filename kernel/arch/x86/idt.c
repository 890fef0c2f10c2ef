/*
 * idt.c - 256 IDT gates: 0-31 the CPU exceptions, 32-47 the remapped PIC lines.
 *
 * Every used gate but #DF's is a 32-bit interrupt gate (type 0xE, SDM 3A figure 6-2), DPL 0,
 * pointing at its stub in isr.asm with the kernel code selector. Interrupt gates clear IF on entry,
 * so a handler is never interrupted by an IRQ. Vector 0x80 (TRAP_SYSCALL) is the system-call gate:
 * an interrupt gate with DPL 3, the only one a user program may reach with INT n (SDM 3A 6.12.1.1:
 * INT n to a gate whose DPL is below the CPL raises #GP; CPU exceptions ignore the gate's DPL).
 * The other vectors up to 255 stay not present: an INT n to one of them raises #GP/#NP, which
 * the exception report names. Vector 8 (double fault) is a task gate to
 * the double-fault task (tss.c), so a kernel stack overflow is reported instead of resetting.
 */
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/gdt.h"
#include "kernel/arch/x86/trap_frame.h"
#include "kernel/arch/x86/tss.h"
#include "x86.h"

#define IDT_GATE_INT32 0x8E /* P=1, DPL=0, 32-bit interrupt gate */
#define IDT_GATE_TASK  0x85 /* P=1, DPL=0, task gate (offset unused) */
#define IDT_GATE_USER  0xEE /* P=1, DPL=3, 32-bit interrupt gate: INT n from ring 3 allowed */
#define IDT_STUBS      (IRQ_VECTOR_BASE + IRQ_COUNT)

extern const uint32_t isr_stub_table[IDT_STUBS];
extern const uint32_t isr_syscall_stub;

static struct idt_gate idt_table[TRAP_NUM_VECTORS] __attribute__((aligned(8)));

static void idt_set_gate(unsigned vector, uint32_t handler, uint8_t type_attr)
{
	idt_table[vector] = (struct idt_gate){
		.offset_low = handler & 0xFFFF,
		.selector = SEG_KCODE,
		.zero = 0,
		.type_attr = type_attr,
		.offset_high = handler >> 16,
	};
}

void idt_clear_gate(unsigned vector)
{
	idt_table[vector].type_attr = 0;
}

void idt_init(void)
{
	static struct idt_pointer ptr;

	for (unsigned v = 0; v < IDT_STUBS; v++)
		idt_set_gate(v, isr_stub_table[v], IDT_GATE_INT32);
	idt_set_gate(TRAP_SYSCALL, isr_syscall_stub, IDT_GATE_USER);
	/* #DF through a task gate: a fresh stack even when the kernel stack is gone (tss.h). */
	tss_init();
	idt_table[TRAP_DOUBLE_FAULT] =
		(struct idt_gate){ .selector = SEG_TSS_DFAULT, .type_attr = IDT_GATE_TASK };
	ptr.limit = sizeof(idt_table) - 1;
	ptr.base = (uint32_t)(uintptr_t)idt_table;
	__asm__ volatile("lidt %0" : : "m"(ptr));
}
