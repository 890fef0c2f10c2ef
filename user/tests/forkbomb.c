/*
 * forkbomb.c - a loop of forks whose children pause (each stops itself with SIGSTOP, again
 * whenever continued) must end at the process limit: fork fails with EAGAIN, the program kills
 * and collects every child, and fork works again afterwards. Linux answers EAGAIN when the
 * real user's process count reaches RLIMIT_NPROC (kernel/fork.c copy_process; root is exempt,
 * so the native run uses an unprivileged user and a small limit: tests/t/81-user-native.t), our
 * kernel when its process table is full (PROC_MAX). How many children fit depends on that
 * limit and on the user's other processes, so only what holds under both is printed.
 */
#include "ulib.h"

#define FORK_CAP \
	512 /* a run without any limit stops here (and fails) instead of eating the machine */

static int children[FORK_CAP];

int main(void)
{
	int n = 0, err = 0, status;

	while (n < FORK_CAP) {
		int pid = fork();
		if (pid == 0)
			for (;;)
				kill(getpid(), SIGSTOP);
		if (pid < 0) {
			err = pid;
			break;
		}
		children[n++] = pid;
	}
	printf("fork failed with EAGAIN: %s\n", err == -EAGAIN ? "yes" : "no");
	utest_check(n > 0, "children were forked before the limit");
	int killed = 0, reaped = 0;
	for (int i = 0; i < n; i++)
		killed += kill(children[i], SIGKILL) == 0;
	for (int i = 0; i < n; i++)
		reaped += waitpid(children[i], &status, 0) == children[i] && WIFSIGNALED(status) &&
			  WTERMSIG(status) == SIGKILL;
	utest_check(killed == n && reaped == n, "every child killed by SIGKILL and collected");
	utest_check(waitpid(-1, &status, WNOHANG) == -ECHILD, "no child left");
	int pid = fork();
	if (pid == 0)
		exit(5);
	utest_check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
			    WEXITSTATUS(status) == 5,
		    "fork works again once they are gone");
	return utest_failures();
}
