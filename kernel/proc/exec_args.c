/*
 * exec_args.c - execve's path, argv and envp from the caller's memory (see exec_args.h), as
 * Linux's do_execveat_common takes them (getname for the path, copy_strings for the vectors:
 * each pointer read from the user's array, each string copied until its NUL, -E2BIG past the
 * limits). The strings of both vectors share one buffer, argv's first.
 */
#include "kernel/proc/exec_args.h"

#include "mm/uaccess.h"

/* Strings from a NULL-terminated user array of pointers into buf at *used, entries from first
 * on: their count. */
static int exec_args_copy_vector(struct uvm_space *as, uint32_t uvec, struct exec_args *a,
				 unsigned first, char *buf, uint32_t *used)
{
	unsigned i = first;

	for (; uvec; i++, uvec += 4) {
		uint32_t up;
		if (uaccess_copy_from(as, &up, uvec, sizeof up))
			return UVM_EFAULT;
		if (!up)
			break;
		if (i == EXEC_ARGS_MAX)
			return -E2BIG;
		int n = uaccess_copy_string(as, buf + *used, up, EXEC_STRINGS_MAX - *used);
		if (n == UVM_ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return n;
		a->str[i] = buf + *used;
		a->len[i] = (uint32_t)n;
		*used += (uint32_t)n + 1;
	}
	return (int)(i - first);
}

int exec_args_copy_in(struct uvm_space *as, uint32_t upath, uint32_t uargv, uint32_t uenvp,
		      struct exec_user_args *u)
{
	uint32_t used = 0;

	int n = uaccess_copy_string(as, u->path, upath, sizeof u->path);
	if (n < 0)
		return n;
	n = exec_args_copy_vector(as, uargv, &u->a, 0, u->strings, &used);
	if (n < 0)
		return n;
	u->a.argc = (unsigned)n;
	n = exec_args_copy_vector(as, uenvp, &u->a, u->a.argc, u->strings, &used);
	if (n < 0)
		return n;
	u->a.envc = (unsigned)n;
	return 0;
}
