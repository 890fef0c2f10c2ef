/*
 * input_ring.h - a byte queue between an interrupt handler (the only writer) and the code that
 * reads typed input (the only reader), used by keyboard.c and serial_input.c.
 *
 * Single producer, single consumer on one CPU: the handler runs with interrupts off and only
 * moves head; the reader only moves tail and reads with interrupts off around the check (the
 * monitor's input loop), so no lock is needed. The size is a power of two so that the indexes
 * can run freely and wrap by masking. When full, new bytes are dropped and counted (the kernel
 * never blocks in a handler); a producer that can wait (the UART's FIFO) checks input_ring_full
 * first and leaves its bytes where they are.
 */
#ifndef KERNEL_DRIVERS_INPUT_RING_H
#define KERNEL_DRIVERS_INPUT_RING_H

#include <stdbool.h>
#include <stdint.h>

#define INPUT_RING_SIZE 256
_Static_assert((INPUT_RING_SIZE & (INPUT_RING_SIZE - 1)) == 0, "ring size is a power of two");

struct input_ring {
	volatile uint32_t head, tail; /* head: next write (handler); tail: next read */
	volatile uint32_t dropped;
	uint8_t buf[INPUT_RING_SIZE];
};

static inline bool input_ring_full(const struct input_ring *r)
{
	return r->head - r->tail == INPUT_RING_SIZE;
}

static inline void input_ring_put(struct input_ring *r, uint8_t c)
{
	if (input_ring_full(r)) {
		r->dropped++;
		return;
	}
	r->buf[r->head & (INPUT_RING_SIZE - 1)] = c;
	r->head++;
}

static inline bool input_ring_empty(const struct input_ring *r)
{
	return r->head == r->tail;
}

/* The next byte, or -1 when empty. */
static inline int input_ring_get(struct input_ring *r)
{
	if (input_ring_empty(r))
		return -1;
	int c = r->buf[r->tail & (INPUT_RING_SIZE - 1)];
	r->tail++;
	return c;
}

#endif
