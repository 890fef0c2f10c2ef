/*
 * serial.h - COM1 (16550 UART) at 115200 8N1: polled output, polled or interrupt-driven input.
 *
 * For input drivers: serial_enable_rx_irq() turns on the UART's "received data available"
 * interrupt (IRQ_COM1 in irq.h; register a handler and unmask the line yourself), and
 * serial_try_read() returns the next byte or -1.
 */
#ifndef KERNEL_CONSOLE_SERIAL_H
#define KERNEL_CONSOLE_SERIAL_H
#include <stdbool.h>
#include <stddef.h>
void serial_init(void);
bool serial_present(void);
void serial_write(const char *s, size_t len);
int serial_try_read(void);
void serial_enable_rx_irq(void);
#endif
