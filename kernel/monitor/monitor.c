/*
 * monitor.c - the monitor's main loop: input drivers on, interrupts on, then prompt, read a
 * line, run it, forever.
 *
 * Input is interrupt-driven: the IRQ handlers of keyboard.c and serial_input.c queue bytes, and
 * this loop sleeps in HLT while both queues are empty. The check and the sleep must not race with
 * an interrupt (a byte queued between "empty" and HLT would sit there until the next key), so
 * the queues are checked with interrupts off and the loop sleeps with "sti; hlt": STI takes
 * effect only after the next instruction (SDM Vol. 2B, STI), so an interrupt pending at that
 * point wakes the HLT instead of being taken before it.
 */
#include "kernel/monitor/monitor.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/console/console.h"
#include "kernel/core/cmdline.h"
#include "kernel/drivers/keyboard.h"
#include "kernel/drivers/serial_input.h"
#include "kernel/monitor/cmd.h"
#include "kernel/monitor/line.h"
#include "kernel/monitor/mon_mem.h"
#include "kernel/monitor/out.h"

static struct line_editor mon_editor;

static void monitor_echo(const char *s, size_t n)
{
	console_write(s, n);
}

static char monitor_getc(void)
{
	for (;;) {
		cpu_cli();
		int c = serial_input_getc();
		if (c < 0)
			c = keyboard_getc();
		if (c >= 0) {
			cpu_sti();
			return (char)c;
		}
		__asm__ volatile("sti; hlt" : : : "memory");
	}
}

const char *monitor_history(unsigned k)
{
	return line_history(&mon_editor, k);
}

void monitor_run(void)
{
	char line[LINE_MAX];

	if (cmdline_has("nomonitor"))
		return;
	mon_mem_init();
	line_init(&mon_editor, monitor_echo);
	bool serial = serial_input_init();
	bool keyboard = keyboard_init();
	cpu_sti();
	mon_printf("monitor: ready (input: serial %s, keyboard %s); type help\n",
		   serial ? "IRQ 4" : "absent", keyboard ? "IRQ 1" : "absent");

	for (;;) {
		mon_printf(MON_PROMPT);
		line_start(&mon_editor);
		while (line_feed(&mon_editor, monitor_getc()) != LINE_DONE)
			;
		if (line_truncated(&mon_editor)) {
			mon_printf("error: line longer than %d characters: truncated, not run\n",
				   LINE_MAX - 1);
			continue;
		}
		/* The dispatcher cuts the line into words in place: give it a copy. */
		const char *text = line_text(&mon_editor);
		size_t i = 0;
		for (; text[i]; i++)
			line[i] = text[i];
		line[i] = '\0';
		mon_dispatch(mon_groups, mon_group_count, line);
	}
}
