/*
 * exec.c - execve(2) replaces the program: the process (same pid, as a child of the caller here)
 * runs `args` with the arguments given, its output follows ours, and waitpid sees args's exit
 * status. The path is a bare name: under Linux the test runs in the folder of the built programs,
 * under our kernel a module's name is its path.
 */
#include "ulib.h"

static void run_args(void)
{
	char *argv[] = { "args", "from", "exec", 0 };
	int err = execve("args", argv, environ);
	printf("execve returned %d\n", err); /* only when it failed */
	exit(1);
}

static void run_missing(void)
{
	char *argv[] = { "no-such-program", 0 };
	printf("execve of a missing program: %d\n", execve("no-such-program", argv, environ));
	exit(3);
}

int main(void)
{
	printf("before execve\n");
	utest_print_status("args through execve", utest_run_child(run_args));
	utest_print_status("missing program", utest_run_child(run_missing));
	return utest_failures();
}
