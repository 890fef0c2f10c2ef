/*
 * serial_input.h - interrupt-driven input from COM1 (IRQ 4) for the monitor and for fd 0 of user
 * programs (kernel/console/console_input.h).
 *
 * The UART itself (rate, FIFO, OUT2, output) belongs to kernel/console/serial.c; this driver
 * only turns on its "received data available" interrupt and queues what arrives.
 */
#ifndef KERNEL_DRIVERS_SERIAL_INPUT_H
#define KERNEL_DRIVERS_SERIAL_INPUT_H

#include <stdbool.h>
#include <stdint.h>

/* Register the IRQ 4 handler, enable the UART's receive interrupt, unmask the line. Returns
 * false (and does nothing) when there is no UART. Interrupts must be enabled by the caller. */
bool serial_input_init(void);
/* The next received byte, or -1. Call with interrupts disabled (see input_ring.h). */
int serial_input_getc(void);
/* A byte waits (after moving what the UART holds into the queue); the queue is left as it is
 * for the next serial_input_getc. Call with interrupts disabled. */
bool serial_input_ready(void);
/* Bytes taken from the UART, and bytes lost because the queue was full (none since the reader
 * drains the FIFO itself: kept to show that). */
uint32_t serial_input_received(void);
uint32_t serial_input_dropped(void);

#endif
