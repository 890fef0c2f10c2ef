/*
 * exec_args.h - execve's arguments taken from the caller's memory: the path, then the argv and
 * envp vectors of string pointers, each pointer and string copied in through mm/uaccess.h, so a
 * bad one is -EFAULT and never a kernel fault. Plain C over mm/ (no machine state): the kernel
 * uses it for execve (exec.c), and tests/fuzz/fuzz_syscall.c runs it on the host.
 */
#ifndef KERNEL_PROC_EXEC_ARGS_H
#define KERNEL_PROC_EXEC_ARGS_H

#include <stdint.h>

#include "kernel/proc/exec.h"
#include "mm/uvm.h"

#define E2BIG            7
#define EXEC_PATH_MAX    256
#define EXEC_STRINGS_MAX 4096 /* argv and envp strings of an execve, NULs included */

/* What execve copied in: the path, and a.argc + a.envc strings (a.str[i] points into strings,
 * NUL-terminated there, a.len[i] its length). */
struct exec_user_args {
	char path[EXEC_PATH_MAX];
	char strings[EXEC_STRINGS_MAX];
	struct exec_args a;
};

/* Copy execve(upath, uargv, uenvp)'s arguments from as into u (a NULL uargv or uenvp is an empty
 * vector, as Linux accepts). 0, or UVM_EFAULT, -ENAMETOOLONG (the path), -E2BIG (more than
 * EXEC_ARGS_MAX entries together, or more than EXEC_STRINGS_MAX bytes of strings), UVM_ENOMEM. */
int exec_args_copy_in(struct uvm_space *as, uint32_t upath, uint32_t uargv, uint32_t uenvp,
		      struct exec_user_args *u);

#endif
