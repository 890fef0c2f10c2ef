/*
 * cmd.h - the monitor's command table: names, one-line help, argument counts, handlers.
 *
 * Commands live in groups, one file per subsystem (cmd_sys.c, cmd_pmm.c, cmd_paging.c,
 * cmd_heap.c, cmd_dump.c, cmd_proc.c); table.c lists the groups the kernel has. The dispatcher
 * (cmd.c, plain C, host-tested) splits the line, finds the command, checks the number of arguments against the
 * table and only then calls the handler, so a handler can index argv without checking argc
 * against its minimum. Handlers still check every argument's value and print "error: ..." for a
 * bad one.
 */
#ifndef KERNEL_MONITOR_CMD_H
#define KERNEL_MONITOR_CMD_H

#include <stddef.h>

struct mon_cmd {
	const char *name;
	const char *args;  /* the argument synopsis for help and usage errors, e.g. "<va> [len]" */
	const char *help;  /* one line */
	unsigned min_args; /* arguments after the name */
	unsigned max_args;
	/* argv[0] is the name; returns 0 or -1 (error printed). */
	int (*run)(int argc, char **argv);
};

struct mon_cmd_group {
	const char *name; /* "heap", "paging", ... shown as a heading by help */
	const struct mon_cmd *cmds;
	size_t count;
};

#define MON_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The kernel's table (table.c): pointers to each cmd_*.c file's group. */
extern const struct mon_cmd_group *const mon_groups[];
extern const size_t mon_group_count;

/* What happened to a line. */
enum mon_result {
	MON_EMPTY,     /* nothing but blanks */
	MON_OK,        /* the command ran and succeeded */
	MON_FAILED,    /* the command ran and reported an error */
	MON_UNKNOWN,   /* no such command */
	MON_BAD_USAGE, /* wrong number of arguments, or more than MON_MAX_ARGS words */
};

/* Run one line (modified in place) against a table. */
enum mon_result mon_dispatch(const struct mon_cmd_group *const *groups, size_t ngroups, char *line);
/* Find a command by name, or NULL. */
const struct mon_cmd *mon_find(const struct mon_cmd_group *const *groups, size_t ngroups,
			       const char *name);
/* Print every command with its one-line help, or one command's usage. */
void mon_print_help(const struct mon_cmd_group *const *groups, size_t ngroups);
void mon_print_usage(const struct mon_cmd *cmd);

#endif
