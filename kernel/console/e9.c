/*
 * e9.c - port 0xE9 console: Bochs' port_e9_hack and QEMU's isa-debugcon print every byte written.
 *
 * Both answer a read of the port with 0xE9 (Bochs docs, "port_e9_hack"; QEMU hw/char/debugcon.c
 * readback value); on real hardware or without the device the read gives something else
 * (usually 0xFF), and we never write there.
 */
#include "kernel/console/e9.h"
#include "kernel/arch/x86/io.h"
#include "x86.h"

#include <stdbool.h>

static bool e9_ok;

void e9_init(void)
{
	e9_ok = inb(PORT_E9) == PORT_E9;
}

void e9_write(const char *s, size_t len)
{
	if (!e9_ok)
		return;
	while (len--)
		outb(PORT_E9, (uint8_t)*s++);
}
