/*
 * family.c - leaves processes behind for the monitor's ps, vm and kill (tests/t/76-monitor-
 * proc.t): a child that has exited and is not collected yet (a zombie), a child that stops
 * itself with SIGSTOP (Linux's default action: stop until SIGCONT), and the parent waiting for
 * the stopped one. Both children share the parent's pages copy-on-write until they write. When
 * the stopped child is killed or continued, the parent says how it ended, collects the zombie
 * and exits 0.
 *
 * Not among user/tests/: under Linux the parent would wait for the stopped child for ever,
 * with nobody to send it a signal, so there is no native run to compare with.
 */
#include "ulib.h"

#define ZOMBIE_STATUS  7
#define STOPPED_STATUS 3

static volatile char data[4 * 4096] = { 1 }; /* data pages, resident before fork, then shared */

int main(void)
{
	for (unsigned i = 0; i < sizeof data; i += 4096)
		data[i] = (char)i;
	int zombie = fork();
	if (zombie == 0)
		exit(ZOMBIE_STATUS);
	int stopped = fork();
	if (stopped == 0) {
		kill(getpid(), SIGSTOP);
		printf("family: the stopped child was continued\n");
		exit(STOPPED_STATUS);
	}
	if (zombie < 0 || stopped < 0) {
		printf("family: fork failed\n");
		return 1;
	}
	printf("family: waiting for the stopped child\n");
	int status = 0;
	if (waitpid(stopped, &status, 0) != stopped)
		status = -1;
	utest_print_status("family: stopped child", status);
	if (waitpid(zombie, &status, 0) != zombie)
		status = -1;
	utest_print_status("family: zombie child", status);
	return 0;
}
