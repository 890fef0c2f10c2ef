/*
 * uart.h - the 16550 UART (the PC's COM ports), named once for the loader (NASM) and the kernel (C).
 *
 * Registers are offsets from the port base (PORT_COM1 in x86.h). Source: National Semiconductor
 * PC16550D data sheet, table II (register summary) and the register descriptions: LCR bit 7 (DLAB)
 * switches offsets 0 and 1 to the divisor latch; the baud rate is the 1.8432 MHz clock / 16 /
 * divisor, so divisor = UART_BAUD_BASE / baud. MCR.OUT2 gates the UART's interrupt output onto
 * its IRQ line on PC/AT boards. The build turns every object-like #define into a NASM %define
 * (build/inc/uart.inc), so values stay plain numbers.
 */
#ifndef INCLUDE_UART_H
#define INCLUDE_UART_H

/* Register offsets. */
#define UART_DATA 0 /* RBR (read) / THR (write) with DLAB=0; divisor low with DLAB=1 */
#define UART_IER  1 /* interrupt enable with DLAB=0; divisor high with DLAB=1 */
#define UART_FCR  2 /* FIFO control (write) */
#define UART_IIR  2 /* interrupt identification (read) */
#define UART_LCR  3 /* line control */
#define UART_MCR  4 /* modem control */
#define UART_LSR  5 /* line status */
#define UART_SCR  7 /* scratch: a plain read/write byte on every 16450/16550 */

/* Register bits. */
#define UART_IER_RDA          0x01 /* interrupt on received data available (and FIFO timeout) */
#define UART_FCR_ENABLE_CLEAR 0xC7 /* FIFOs on, both cleared, receive trigger at 14 bytes */
#define UART_LCR_8N1          0x03 /* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB         0x80 /* divisor latch access */
#define UART_MCR_DTR_RTS      0x03 /* data terminal ready, request to send */
#define UART_MCR_OUT2         0x08 /* PC/AT: connects the UART's interrupt to its IRQ line */
#define UART_LSR_DR           0x01 /* data ready: RBR (or the receive FIFO) holds a byte */
#define UART_LSR_THRE         0x20 /* transmit holding register empty (FIFO mode: FIFO empty) */
#define UART_IIR_FIFOS_ON     0xC0 /* both bits set: FCR enabled the FIFOs (a 16550A) */

/* The transmit FIFO's depth on a 16550 (PC16550D data sheet, FIFO mode). */
#define UART_TX_FIFO_SIZE 16

/* The rate: divisor = UART_BAUD_BASE / baud. */
#define UART_BAUD_BASE      115200
#define UART_DIVISOR_115200 1

#ifndef __ASSEMBLER__
_Static_assert(UART_BAUD_BASE / 115200 == UART_DIVISOR_115200, "divisor for 115200 baud");
#endif

#endif
