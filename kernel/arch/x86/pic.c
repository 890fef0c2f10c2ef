/*
 * pic.c - program the 8259A pair: vectors 32-47, every line masked.
 *
 * The BIOS leaves the master on vectors 8-15, on top of the CPU exceptions (SDM 3A 6.3.1
 * reserves 0-31), so an IRQ 0 would look like a double fault. The initialisation sequence is
 * ICW1-ICW4 (Intel 8259A data sheet, "Initialization Command Words"): ICW1 edge triggered,
 * cascade, ICW4 needed; ICW2 the vector base; ICW3 the cascade wiring (slave on master line 2);
 * ICW4 8086 mode. OCW2 0x20 is the non-specific EOI, OCW3 0x0B selects the ISR for reading.
 */
#include "kernel/arch/x86/pic.h"
#include "kernel/arch/x86/io.h"
#include "kernel/arch/x86/trap_frame.h"
#include "x86.h"

#define PIC_ICW1_INIT_ICW4 0x11
#define PIC_ICW3_MASTER    0x04 /* slave on line 2 (bit mask) */
#define PIC_ICW3_SLAVE     0x02 /* slave's cascade identity: 2 */
#define PIC_ICW4_8086      0x01
#define PIC_OCW2_EOI       0x20
#define PIC_OCW3_READ_ISR  0x0B
#define PIC_SLAVE_BASE     8
#define PIC_ALL_MASKED     0xFFFF

void pic_init(void)
{
	outb(PORT_PIC1_CMD, PIC_ICW1_INIT_ICW4);
	io_wait();
	outb(PORT_PIC2_CMD, PIC_ICW1_INIT_ICW4);
	io_wait();
	outb(PORT_PIC1_DATA, IRQ_VECTOR_BASE);
	io_wait();
	outb(PORT_PIC2_DATA, IRQ_VECTOR_BASE + PIC_SLAVE_BASE);
	io_wait();
	outb(PORT_PIC1_DATA, PIC_ICW3_MASTER);
	io_wait();
	outb(PORT_PIC2_DATA, PIC_ICW3_SLAVE);
	io_wait();
	outb(PORT_PIC1_DATA, PIC_ICW4_8086);
	io_wait();
	outb(PORT_PIC2_DATA, PIC_ICW4_8086);
	io_wait();
	pic_set_mask(PIC_ALL_MASKED);
}

void pic_set_mask(uint16_t mask)
{
	outb(PORT_PIC1_DATA, (uint8_t)mask);
	outb(PORT_PIC2_DATA, (uint8_t)(mask >> 8));
}

uint16_t pic_get_mask(void)
{
	return (uint16_t)(inb(PORT_PIC1_DATA) | (inb(PORT_PIC2_DATA) << 8));
}

void pic_send_eoi(unsigned irq)
{
	if (irq >= PIC_SLAVE_BASE)
		outb(PORT_PIC2_CMD, PIC_OCW2_EOI);
	outb(PORT_PIC1_CMD, PIC_OCW2_EOI);
}

uint16_t pic_read_isr(void)
{
	outb(PORT_PIC1_CMD, PIC_OCW3_READ_ISR);
	outb(PORT_PIC2_CMD, PIC_OCW3_READ_ISR);
	return (uint16_t)(inb(PORT_PIC1_CMD) | (inb(PORT_PIC2_CMD) << 8));
}
