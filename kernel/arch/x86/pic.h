/*
 * pic.h - the two cascaded 8259A interrupt controllers of the PC.
 */
#ifndef KERNEL_ARCH_X86_PIC_H
#define KERNEL_ARCH_X86_PIC_H

#include <stdint.h>

/* Remap IRQ 0-15 to vectors IRQ_VECTOR_BASE..+15 and mask every line. */
void pic_init(void);
void pic_set_mask(uint16_t mask); /* bit n set: IRQ n masked */
uint16_t pic_get_mask(void);
void pic_send_eoi(unsigned irq);
uint16_t pic_read_isr(void); /* in-service register, slave in bits 8-15 */

#endif
