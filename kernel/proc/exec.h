/*
 * exec.h - programs from Multiboot modules: find one by name, load it into a new process with
 * its initial stack, and start pid 1 from the kernel command line (`init=<name>`).
 *
 * A module's name is the base name of the first word of its module string (the loaders pass
 * `<file name> <args>`), its arguments the words after it.
 */
#ifndef KERNEL_PROC_EXEC_H
#define KERNEL_PROC_EXEC_H

#include "kernel/proc/proc.h"

/* Load module `name` into p (fresh from proc_create): 0, or -ENOENT (no such module),
 * -ENOEXEC (not a static i386 executable; the console says why), -ENOMEM, -E2BIG. */
int exec_module(struct proc *p, const char *name);

/* With `init=<name>` on the command line: run that module as pid 1 and every process it starts
 * until none is left, print the frame count before and after, and return pid 1's waitpid status
 * (-1 with no init= or when it could not start). */
int exec_init_from_cmdline(void);

#endif
