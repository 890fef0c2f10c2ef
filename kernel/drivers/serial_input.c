/*
 * serial_input.c - COM1 receive interrupt (IRQ 4): bytes from the UART into a queue.
 *
 * The 16550 raises its interrupt while "received data available" or the FIFO's character
 * timeout is pending (PC16550D data sheet, IER bit 0 and IIR); reading RBR until LSR.DR is clear
 * ends both. The line to the 8259 is edge-triggered, so the handler must drain the FIFO
 * completely or leave the rest to someone who will: a byte left behind would never cause another
 * edge. serial.c already sets MCR.OUT2, which gates the UART's interrupt output onto IRQ 4 on
 * PC/AT boards.
 *
 * Back-pressure: when the queue is full the handler stops reading, so the bytes wait in the UART's
 * 16-byte FIFO (and an emulator like QEMU stops sending while the FIFO is full) instead of being
 * dropped; the reader drains the FIFO into the queue on every call (serial_input_getc) before
 * taking a byte. The reader only sleeps when the queue is empty right after a drain, so the FIFO
 * was empty then too, and the next byte raises a fresh interrupt.
 */
#include "kernel/drivers/serial_input.h"
#include "kernel/arch/x86/irq.h"
#include "kernel/console/serial.h"
#include "kernel/drivers/input_ring.h"

static struct input_ring serial_ring;
static uint32_t serial_received;

/* Move bytes from the UART into the queue while both have some (and room). */
static void serial_drain(void)
{
	int c;

	while (!input_ring_full(&serial_ring) && (c = serial_try_read()) >= 0) {
		serial_received++;
		input_ring_put(&serial_ring, (uint8_t)c);
	}
}

static void serial_input_irq(struct trap_frame *tf)
{
	(void)tf;
	serial_drain();
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
	/* Drain first, never after taking: a byte drained after finding the queue empty would sit
	 * in the queue while the caller sleeps, and since it left the FIFO before the UART's
	 * character-timeout interrupt, nothing would ever wake the caller for it. */
	serial_drain();
	return input_ring_get(&serial_ring);
}

bool serial_input_ready(void)
{
	serial_drain(); /* as in serial_input_getc: never report empty with bytes in the FIFO */
	return !input_ring_empty(&serial_ring);
}

uint32_t serial_input_received(void)
{
	return serial_received;
}

uint32_t serial_input_dropped(void)
{
	return serial_ring.dropped;
}
