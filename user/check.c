/*
 * check.c - what every test program does: named checks, running a piece of code in a child and
 * printing how the child ended, in the words of Linux's waitpid status (include/uapi/linux/
 * wait.h: the low 7 bits the signal, the next byte the exit status), growing the stack.
 */
#include "ulib.h"

static int failures;

void utest_check(bool cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "FAIL", what);
	if (!cond)
		failures++;
}

int utest_failures(void)
{
	return failures;
}

int utest_run_child(void (*fn)(void))
{
	int pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn();
		exit(0);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

void utest_print_status(const char *what, int status)
{
	if (status == -1)
		printf("%s: fork or waitpid failed\n", what);
	else if (WIFEXITED(status))
		printf("%s: exited with status %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: status 0x%x\n", what, status);
}

unsigned utest_deep_stack(unsigned n)
{
	volatile unsigned char frame[UTEST_FRAME_BYTES];
	frame[0] = (unsigned char)n;
	frame[sizeof frame - 1] = (unsigned char)(n >> 1);
	unsigned below = n ? utest_deep_stack(n - 1) : 0;
	return below + frame[0] + frame[sizeof frame - 1];
}
