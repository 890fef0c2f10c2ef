/*
 * console_input.c - fd 0 of user programs: the serial and keyboard input queues, merged
 * (see console_input.h).
 */
#include "kernel/console/console_input.h"
#include "kernel/drivers/keyboard.h"
#include "kernel/drivers/serial_input.h"

static bool input_started;

void console_input_init(void)
{
	if (input_started)
		return;
	input_started = true;
	/* Either may be absent (no UART, no 8042): then its queue just stays empty. */
	(void)serial_input_init();
	(void)keyboard_init();
}

bool console_input_ready(void)
{
	return serial_input_ready() || keyboard_ready();
}

size_t console_input_read(char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int c = serial_input_getc();
		if (c < 0)
			c = keyboard_getc();
		if (c < 0)
			break;
		buf[got++] = c == '\r' ? '\n' : (char)c; /* ICRNL */
	}
	return got;
}
