/*
 * cmd_sys.c - monitor commands about the monitor and the machine: help, history, reboot, halt.
 *
 * halt leaves QEMU through isa-debug-exit (include/x86.h PORT_QEMU_EXIT; QEMU exits with status
 * (value << 1) | 1) and halts the CPU when that port does nothing, i.e. on real hardware or
 * another emulator. reboot asks the 8042 to pulse RESET and, if the machine is still running,
 * forces a triple fault (an empty IDT, then an exception: SDM Vol. 3A 6.15, "double fault" and
 * shutdown), which every PC turns into a reset.
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/io.h"
#include "kernel/drivers/keyboard.h"
#include "kernel/drivers/serial_input.h"
#include "kernel/monitor/cmd.h"
#include "kernel/monitor/cmd_groups.h"
#include "kernel/monitor/monitor.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"
#include "x86.h"

static int cmd_help(int argc, char **argv)
{
	if (argc == 1) {
		mon_print_help(mon_groups, mon_group_count);
		mon_printf(
			"numbers: decimal or 0x hex; addresses are virtual unless a command says "
			"physical\n");
		return 0;
	}
	const struct mon_cmd *c = mon_find(mon_groups, mon_group_count, argv[1]);
	if (!c) {
		mon_printf("error: help: no command '%s'\n", argv[1]);
		return -1;
	}
	mon_print_usage(c);
	mon_printf("  %s\n", c->help);
	return 0;
}

static int cmd_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	unsigned n = 0;
	while (monitor_history(n + 1))
		n++;
	for (unsigned k = n; k >= 1; k--)
		mon_printf("%3u  %s\n", n - k + 1, monitor_history(k));
	mon_printf("input: serial %u bytes (%u dropped), keyboard %u scan codes (%u dropped)\n",
		   (unsigned)serial_input_received(), (unsigned)serial_input_dropped(),
		   (unsigned)keyboard_scancodes(), (unsigned)keyboard_dropped());
	return 0;
}

static int cmd_halt(int argc, char **argv)
{
	uint32_t code = QEMU_EXIT_PASS;

	if (argc > 1 && !parse_arg_u32("code", argv[1], 0, 0xFF, &code))
		return -1;
	mon_printf("monitor: halting (QEMU exit status %u under isa-debug-exit)\n",
		   (unsigned)((code << 1) | 1));
	outb(PORT_QEMU_EXIT, (uint8_t)code);
	/* Still here: no isa-debug-exit device. */
	mon_printf("monitor: halted\n");
	cpu_halt_forever();
}

static int cmd_reboot(int argc, char **argv)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	(void)argc;
	(void)argv;
	mon_printf("monitor: rebooting\n");
	cpu_cli();
	keyboard_pulse_reset();
	for (volatile unsigned i = 0; i < 1000000; i++)
		; /* the 8042 takes a moment to pull RESET */
	mon_printf("monitor: the 8042 did not reset the machine; forcing a triple fault\n");
	__asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
	cpu_halt_forever();
}

static const struct mon_cmd mon_cmds_sys[] = {
	{ "help", "[command]", "list the commands, or one command's usage", 0, 1, cmd_help },
	{ "history", "", "the lines typed so far and the input counters", 0, 0, cmd_history },
	{ "reboot", "", "reset the machine (8042, then a triple fault)", 0, 0, cmd_reboot },
	{ "halt", "[code]", "exit QEMU with status code*2+1 (33), else hlt", 0, 1, cmd_halt },
};
const struct mon_cmd_group mon_group_sys = { "system", mon_cmds_sys, MON_ARRAY_SIZE(mon_cmds_sys) };
