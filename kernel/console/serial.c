/*
 * serial.c - COM1 as a console: 115200 baud, 8 data bits, no parity, 1 stop bit, FIFO on.
 *
 * 16550 registers at PORT_COM1 + offset (include/uart.h, from the PC16550D data sheet): the
 * divisor latch (DLAB=1) sets the rate as 115200 / divisor. Output polls the Line Status
 * Register's "transmitter holding register empty" bit, with a bounded wait so a missing or
 * stuck UART cannot hang the kernel. With the FIFOs on (IIR bits 7:6 set after the FCR write),
 * THRE means the whole transmit FIFO is empty (PC16550D data sheet, LSR bit 5), so one look at
 * THRE lets up to UART_TX_FIFO_SIZE bytes go out; a UART without FIFOs takes one per look. Presence is checked with the scratch register: a byte written
 * there must read back. A transmitter that once stays busy for the whole wait is marked stalled:
 * from then on each character gets one look at THRE and is dropped if the UART is still busy, so a
 * stuck line costs microseconds per message instead of a long wait per character, and the first
 * character the UART takes again ends the stall. Input does not depend on the transmitter: the
 * monitor keeps reading COM1 whatever happened to output.
 */
#include "kernel/console/serial.h"
#include "kernel/arch/x86/io.h"
#include "uart.h"
#include "x86.h"

/* Not hardware facts: how long output waits for THRE, and the byte the presence probe writes. */
#define SERIAL_TX_SPINS 100000
#define SERIAL_PROBE    0xAE

static bool serial_ok;           /* a UART answers at PORT_COM1 */
static bool serial_tx_stalled;   /* the last bounded wait for THRE ran out */
static unsigned serial_tx_burst; /* bytes the transmitter takes after one THRE */

void serial_init(void)
{
	uint16_t divisor = UART_DIVISOR_115200;

	outb(PORT_COM1 + UART_IER, 0);
	outb(PORT_COM1 + UART_LCR, UART_LCR_DLAB);
	outb(PORT_COM1 + UART_DATA, (uint8_t)divisor);
	outb(PORT_COM1 + UART_IER, (uint8_t)(divisor >> 8));
	outb(PORT_COM1 + UART_LCR, UART_LCR_8N1);
	outb(PORT_COM1 + UART_FCR, UART_FCR_ENABLE_CLEAR);
	serial_tx_burst = (inb(PORT_COM1 + UART_IIR) & UART_IIR_FIFOS_ON) == UART_IIR_FIFOS_ON ?
				  UART_TX_FIFO_SIZE :
				  1;
	/*
	 * Presence probe through the scratch register (offset 7, a plain read/write byte on every
	 * 16450/16550): no UART at the port and the reads float to 0xFF, so we stay silent instead
	 * of spinning. (A loopback probe would need to wait a character time for its byte, and
	 * Bochs sends a byte written in loopback mode out to the line anyway.)
	 */
	outb(PORT_COM1 + UART_SCR, SERIAL_PROBE);
	serial_ok = inb(PORT_COM1 + UART_SCR) == SERIAL_PROBE;
	outb(PORT_COM1 + UART_SCR, (uint8_t)~SERIAL_PROBE);
	serial_ok = serial_ok && inb(PORT_COM1 + UART_SCR) == (uint8_t)~SERIAL_PROBE;
	outb(PORT_COM1 + UART_MCR, UART_MCR_DTR_RTS | UART_MCR_OUT2);
}

bool serial_present(void)
{
	return serial_ok;
}

void serial_write(const char *s, size_t len)
{
	if (!serial_ok)
		return;
	while (len) {
		unsigned spins = serial_tx_stalled ? 1 : SERIAL_TX_SPINS;

		while (!(inb(PORT_COM1 + UART_LSR) & UART_LSR_THRE) && --spins)
			;
		if (spins == 0) {
			serial_tx_stalled = true; /* drop this character; the next one looks once */
			s++;
			len--;
			continue;
		}
		serial_tx_stalled = false;
		for (unsigned n = serial_tx_burst; n > 0 && len > 0; n--, len--)
			outb(PORT_COM1 + UART_DATA, (uint8_t)*s++);
	}
}

int serial_try_read(void)
{
	if (!serial_ok || !(inb(PORT_COM1 + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(PORT_COM1 + UART_DATA);
}

void serial_enable_rx_irq(void)
{
	if (serial_ok)
		outb(PORT_COM1 + UART_IER, UART_IER_RDA);
}
