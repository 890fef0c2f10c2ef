/*
 * keyboard.h - PS/2 keyboard input (IRQ 1) as ASCII bytes for the monitor and for fd 0 of user
 * programs (kernel/console/console_input.h).
 *
 * The 8042 controller translates whatever the keyboard sends into scan code set 1 (its default,
 * config bit 6), which keyboard.c turns into the bytes a serial terminal would send for the same
 * keys: letters, digits and punctuation with Shift and Caps Lock, Enter as CR, Backspace as BS,
 * Ctrl+letter as the control byte (Ctrl-C 0x03, Ctrl-U 0x15), cursor up/down as ESC [ A / ESC [ B.
 * Other keys (function keys, Alt, Num Lock) produce nothing.
 */
#ifndef KERNEL_DRIVERS_KEYBOARD_H
#define KERNEL_DRIVERS_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

/* 8042 controller (IBM PC/AT Technical Reference, "Keyboard Controller"; OSDev "8042 PS/2
 * Controller"). Ports are in include/x86.h (PORT_KBC_*). */
#define KBC_STATUS_OUT_FULL  0x01 /* a byte waits in the output buffer (port 0x60) */
#define KBC_STATUS_IN_FULL   0x02 /* the controller has not taken our last byte yet */
#define KBC_CMD_READ_CONFIG  0x20
#define KBC_CMD_WRITE_CONFIG 0x60
#define KBC_CMD_PULSE_RESET  0xFE /* pulse output line 0: the CPU's RESET */
#define KBC_CONFIG_IRQ1      0x01 /* keyboard interrupt enabled */
#define KBC_CONFIG_KBD_OFF   0x10 /* keyboard clock disabled */
#define KBC_CONFIG_XLATE     0x40 /* translate to scan code set 1 */

/* Enable IRQ 1 and translation in the controller, register the handler, unmask the line.
 * Returns false when the controller does not answer (then nothing is enabled). */
bool keyboard_init(void);
/* The next byte typed, or -1. Call with interrupts disabled (see input_ring.h). */
int keyboard_getc(void);
/* A byte waits for keyboard_getc. Call with interrupts disabled. */
bool keyboard_ready(void);
/* Scan codes received, and bytes lost because the queue was full. */
uint32_t keyboard_scancodes(void);
uint32_t keyboard_dropped(void);
/* Ask the 8042 to pulse the CPU's reset line (the classic reboot); returns if it did not. */
void keyboard_pulse_reset(void);

#endif
