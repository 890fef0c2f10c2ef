/*
 * exec.h - programs from Multiboot modules: find one by name, load it into a new process with
 * its initial stack, and start pid 1 from the kernel command line (`init=<name>`).
 *
 * A module's name is the base name of the first word of its module string (the loaders pass
 * `<file name> <args>`), its arguments the words after it.
 */
#ifndef KERNEL_PROC_EXEC_H
#define KERNEL_PROC_EXEC_H

#include <stdint.h>

#include "kernel/proc/proc.h"

#define EXEC_ARGS_MAX 32 /* argv and envp entries together */

/* A new program's arguments and environment: argc strings, then envc (not NUL-terminated in
 * place: len gives each length). */
struct exec_args {
	unsigned argc, envc;
	const char *str[EXEC_ARGS_MAX];
	uint32_t len[EXEC_ARGS_MAX];
};

/* Replace p's program (p fresh from proc_create, or the caller of execve) with module `name`:
 * a new address space with its initial stack; p's old one is released only on success. 0, or
 * -ENOENT (no such module), -ENOEXEC (not a static i386 executable; the console says why),
 * -ENOMEM. */
int exec_module(struct proc *p, const char *name, const struct exec_args *a);

/* Linux execve(path, argv, envp) for the current process: path is a module's name. 0 (the
 * process now runs the new program) or -errno (-EFAULT, -E2BIG, -ENOENT...), old program intact. */
int exec_syscall(uint32_t upath, uint32_t uargv, uint32_t uenvp);

/* Start module `name` as a new process without parent, runnable (the scheduler runs it):
 * argv from args (argv[0] included), or with args NULL from the module string as init= does.
 * Prints `user: starting pid N (name)`; returns the pid, or -ENOENT, -E2BIG, -ENOEXEC, -EAGAIN
 * (the table is full), -ENOMEM; exec_strerror names each. */
int exec_start(const char *name, const struct exec_args *args);
const char *exec_strerror(int err);

/* With `init=<name>` on the command line: run that module as pid 1 and every process it starts
 * until none is runnable, print the frame count before and after, and return pid 1's waitpid
 * status (-1 with no init=, when it could not start, or when it has not ended: stopped, or
 * waiting for a stopped process; the monitor's ps and kill reach it then). */
int exec_init_from_cmdline(void);

#endif
