/*
 * console.c - fan-out of kernel output to the VGA screen, COM1 and the port 0xE9 debug console.
 *
 * Each console probes itself in its init (serial loopback, 0xE9 readback) and drops output when
 * absent, so console_write can always be called, even before console_init (VGA memory is always
 * there; the probes just have not run yet, so only VGA prints).
 */
#include "kernel/console/console.h"
#include "kernel/console/e9.h"
#include "kernel/console/serial.h"
#include "kernel/console/vga.h"

void console_init(void)
{
	vga_init();
	serial_init();
	e9_init();
}

void console_write(const char *s, size_t len)
{
	vga_write(s, len);
	serial_write(s, len);
	e9_write(s, len);
}
