/*
 * serial_input.c - COM1 receive interrupt (IRQ 4): bytes from the UART into a queue.
 *
 * The 16550 raises its interrupt while "received data available" or the FIFO's character
 * timeout is pending (PC16550D data sheet, IER bit 0 and IIR); reading RBR until LSR.DR is clear
 * ends both. The line to the 8259 is edge-triggered, so the handler must drain the FIFO
 * completely: a byte left behind would never cause another edge. serial.c already sets MCR.OUT2,
 * which gates the UART's interrupt output onto IRQ 4 on PC/AT boards.
 */
#include "kernel/drivers/serial_input.h"
#include "kernel/arch/x86/irq.h"
#include "kernel/console/serial.h"
#include "kernel/drivers/input_ring.h"

static struct input_ring serial_ring;
static uint32_t serial_received;

static void serial_input_irq(struct trap_frame *tf)
{
	int c;

	(void)tf;
	while ((c = serial_try_read()) >= 0) {
		serial_received++;
		input_ring_put(&serial_ring, (uint8_t)c);
	}
}

bool serial_input_init(void)
{
	if (!serial_present())
		return false;
	irq_register(IRQ_COM1, serial_input_irq);
	serial_enable_rx_irq();
	irq_unmask(IRQ_COM1);
	return true;
}

int serial_input_getc(void)
{
	return input_ring_get(&serial_ring);
}

uint32_t serial_input_received(void)
{
	return serial_received;
}

uint32_t serial_input_dropped(void)
{
	return serial_ring.dropped;
}
