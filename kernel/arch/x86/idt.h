/*
 * idt.h - the Interrupt Descriptor Table (SDM Vol. 3A 6.10-6.11).
 */
#ifndef KERNEL_ARCH_X86_IDT_H
#define KERNEL_ARCH_X86_IDT_H

#include <stdint.h>

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr; /* P, DPL, 0, gate type */
	uint16_t offset_high;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 8, "an IDT gate is 8 bytes (SDM 3A 6.11)");

struct idt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_pointer) == 6, "IDTR image is 6 bytes (SDM 3A 6.10)");

/* Fill gates 0-47 with the isr.asm stubs (vectors 48-255 not present) and load IDTR. */
void idt_init(void);
/* Mark one gate not present (trap=double uses it to provoke a double fault on purpose). */
void idt_clear_gate(unsigned vector);

#endif
