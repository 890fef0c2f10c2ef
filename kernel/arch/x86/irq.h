/*
 * irq.h - hardware interrupt lines (the two 8259 PICs) for drivers.
 *
 * The PICs are remapped to vectors IRQ_VECTOR_BASE..+15 (32-47) and every line starts masked
 * (pic.c). A driver registers its handler, then unmasks its line; the dispatcher in irq.c sends
 * the EOI after the handler returns, so handlers only talk to their device. Interrupts stay
 * disabled (IF=0) until someone calls cpu_sti() (kernel/arch/x86/cpu.h) - the monitor does that.
 * Spurious IRQ 7 and 15 (Intel 8259A data sheet; OSDev "8259 PIC", spurious IRQs) are recognised
 * by their clear in-service bit and dropped without an EOI (a spurious IRQ 15 still EOIs the
 * master, whose cascade line did fire).
 *
 * Usage:   irq_register(IRQ_KEYBOARD, keyboard_irq);  irq_unmask(IRQ_KEYBOARD);  cpu_sti();
 */
#ifndef KERNEL_ARCH_X86_IRQ_H
#define KERNEL_ARCH_X86_IRQ_H

#include "kernel/arch/x86/trap_frame.h"

#define IRQ_TIMER           0
#define IRQ_KEYBOARD        1
#define IRQ_CASCADE         2
#define IRQ_COM2            3
#define IRQ_COM1            4
#define IRQ_SPURIOUS_MASTER 7
#define IRQ_SPURIOUS_SLAVE  15

typedef void (*irq_handler_t)(struct trap_frame *tf);

/* Install handler for line irq (0-15); replaces a previous one. Panics on irq >= 16. */
void irq_register(unsigned irq, irq_handler_t handler);
/* Unmask / mask one line at the PIC (unmasking a slave line also unmasks the cascade, IRQ 2). */
void irq_unmask(unsigned irq);
void irq_mask(unsigned irq);
/* Count of interrupts seen per line (including spurious ones, which are not passed to handlers). */
uint32_t irq_count(unsigned irq);

/* Called by traps.c for vectors 32-47; not for drivers. */
void irq_dispatch(struct trap_frame *tf);

#endif
