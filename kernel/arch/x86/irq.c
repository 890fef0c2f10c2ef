/*
 * irq.c - dispatch of hardware interrupts (vectors 32-47) to the drivers' handlers.
 *
 * Spurious interrupts: when a line drops before the 8259 acknowledges, it reports IRQ 7 (master)
 * or 15 (slave) without setting the line's in-service bit (8259A data sheet; OSDev "8259 PIC",
 * "Spurious IRQs"). Those get no EOI from us, except that a spurious IRQ 15 still went through
 * the master's cascade line, which does need its EOI. Unhandled lines are masked so a stuck line
 * cannot storm.
 */
#include "kernel/arch/x86/irq.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/pic.h"
#include "kernel/core/panic.h"
#include "kernel/lib/printf.h"
#include "x86.h"

#define PIC_MASTER_EOI_ONLY 0 /* any line below 8: EOI goes to the master alone */

static irq_handler_t irq_handlers[IRQ_COUNT];
static uint32_t irq_counts[IRQ_COUNT];

void irq_register(unsigned irq, irq_handler_t handler)
{
	if (irq >= IRQ_COUNT)
		panic("irq_register: IRQ %u out of range (0-%u)", irq, IRQ_COUNT - 1);
	irq_handlers[irq] = handler;
}

/* Change the mask with interrupts off: a read-modify-write of the IMR must not be interleaved. */
static void irq_update_mask(unsigned irq, int masked)
{
	uint32_t flags = cpu_read_eflags();
	uint16_t mask;

	if (irq >= IRQ_COUNT)
		panic("irq mask change: IRQ %u out of range (0-%u)", irq, IRQ_COUNT - 1);
	cpu_cli();
	mask = pic_get_mask();
	if (masked)
		mask |= (uint16_t)(1u << irq);
	else
		mask &= (uint16_t)(~(1u << irq));
	if (!masked && irq >= 8)
		mask &= (uint16_t)(~(1u << IRQ_CASCADE));
	pic_set_mask(mask);
	if (flags & EFLAGS_IF)
		cpu_sti();
}

void irq_unmask(unsigned irq)
{
	irq_update_mask(irq, 0);
}

void irq_mask(unsigned irq)
{
	irq_update_mask(irq, 1);
}

uint32_t irq_count(unsigned irq)
{
	return irq < IRQ_COUNT ? irq_counts[irq] : 0;
}

void irq_dispatch(struct trap_frame *tf)
{
	unsigned irq = tf->vector - IRQ_VECTOR_BASE;

	irq_counts[irq]++;
	if (irq == IRQ_SPURIOUS_MASTER && !(pic_read_isr() & (1u << IRQ_SPURIOUS_MASTER))) {
		return;
	}
	if (irq == IRQ_SPURIOUS_SLAVE && !(pic_read_isr() & (1u << IRQ_SPURIOUS_SLAVE))) {
		pic_send_eoi(PIC_MASTER_EOI_ONLY);
		return;
	}
	if (irq_handlers[irq]) {
		irq_handlers[irq](tf);
	} else {
		kprintf("irq: IRQ %u has no handler; masking it\n", irq);
		irq_mask(irq);
	}
	pic_send_eoi(irq);
}
