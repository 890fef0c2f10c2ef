/*
 * cmd.c - the monitor's dispatcher: from a typed line to a command handler (see cmd.h).
 */
#include "kernel/monitor/cmd.h"
#include "kernel/lib/string.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"

const struct mon_cmd *mon_find(const struct mon_cmd_group *const *groups, size_t ngroups,
			       const char *name)
{
	for (size_t g = 0; g < ngroups; g++)
		for (size_t i = 0; i < groups[g]->count; i++)
			if (strcmp(groups[g]->cmds[i].name, name) == 0)
				return &groups[g]->cmds[i];
	return NULL;
}

void mon_print_usage(const struct mon_cmd *cmd)
{
	mon_printf("usage: %s%s%s\n", cmd->name, cmd->args[0] ? " " : "", cmd->args);
}

void mon_print_help(const struct mon_cmd_group *const *groups, size_t ngroups)
{
	char synopsis[40];

	for (size_t g = 0; g < ngroups; g++) {
		mon_printf("%s:\n", groups[g]->name);
		for (size_t i = 0; i < groups[g]->count; i++) {
			const struct mon_cmd *c = &groups[g]->cmds[i];
			size_t n = 0;
			/* "name args" padded to a column, by hand: no snprintf in the kernel. */
			for (const char *s = c->name; *s && n < sizeof synopsis - 1; s++)
				synopsis[n++] = *s;
			if (c->args[0] && n < sizeof synopsis - 1)
				synopsis[n++] = ' ';
			for (const char *s = c->args; *s && n < sizeof synopsis - 1; s++)
				synopsis[n++] = *s;
			while (n < 30)
				synopsis[n++] = ' ';
			synopsis[n] = '\0';
			mon_printf("  %s %s\n", synopsis, c->help);
		}
	}
}

enum mon_result mon_dispatch(const struct mon_cmd_group *const *groups, size_t ngroups, char *line)
{
	char *argv[MON_MAX_ARGS + 1];
	int argc = parse_words(line, argv, MON_MAX_ARGS);

	if (argc == 0)
		return MON_EMPTY;
	if (argc < 0) {
		mon_printf("error: too many words on the line (at most %d)\n", MON_MAX_ARGS);
		return MON_BAD_USAGE;
	}
	argv[argc] = NULL;

	const struct mon_cmd *cmd = mon_find(groups, ngroups, argv[0]);
	if (!cmd) {
		mon_printf("error: unknown command '%s' (type help for the list)\n", argv[0]);
		return MON_UNKNOWN;
	}
	unsigned nargs = (unsigned)argc - 1;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		if (nargs < cmd->min_args)
			mon_printf("error: %s: missing argument\n", cmd->name);
		else
			mon_printf("error: %s: too many arguments\n", cmd->name);
		mon_print_usage(cmd);
		return MON_BAD_USAGE;
	}
	return cmd->run(argc, argv) == 0 ? MON_OK : MON_FAILED;
}
