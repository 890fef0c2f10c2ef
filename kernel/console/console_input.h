/*
 * console_input.h - the console's input as user programs read it on fd 0: the bytes COM1
 * (serial_input.c) and the PS/2 keyboard (keyboard.c) queued, serial first.
 *
 * No line discipline: what read(2) returns is what arrived, as soon as it arrived, except that
 * CR becomes LF, as a terminal's ICRNL input flag does (POSIX termios, c_iflag), since a
 * terminal's Enter and the keyboard driver's Enter both send CR. Nothing is echoed and nothing
 * is edited (Backspace and Ctrl-C are bytes like the others): a program shows what it read
 * itself. Input belongs to the processes while the scheduler runs them (proc_run_all); the
 * monitor reads the same queues when it has the CPU again, so bytes no program read stay queued
 * for it.
 */
#ifndef KERNEL_CONSOLE_CONSOLE_INPUT_H
#define KERNEL_CONSOLE_CONSOLE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Both input drivers on (their IRQs registered and unmasked); the later calls do nothing. */
void console_input_init(void);
/* A byte waits. Call with interrupts disabled (input_ring.h). */
bool console_input_ready(void);
/* Up to n waiting bytes into buf, CR as LF: how many (0 when none waits). Interrupts disabled. */
size_t console_input_read(char *buf, size_t n);

#endif
