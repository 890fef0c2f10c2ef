/*
 * forkloop.c - 1,000 fork/exit/waitpid cycles: every child's status comes back to the parent
 * (its exit status i mod 256), and nothing runs out on the way.
 */
#include "ulib.h"

#define CYCLES 1000

int main(void)
{
	unsigned sum = 0, ok = 0;
	for (int i = 0; i < CYCLES; i++) {
		int pid = fork();
		if (pid == 0)
			exit(i & 0xff);
		int status = 0;
		if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
			ok++;
			sum += WEXITSTATUS(status);
		}
	}
	printf("%u of %d children reaped, exit statuses sum to %u\n", ok, CYCLES, sum);
	utest_check(ok == CYCLES, "every child reaped");
	return utest_failures();
}
