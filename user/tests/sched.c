/*
 * sched.c - the CPU is shared out by the timer, not only when a process gives it up: children
 * that spin forever without a single system call do not keep their parent from running. The
 * parent gives the CPU away (sched_yield) while they spin; under a cooperative scheduler it
 * would never get it back. It also waits for a child that computes for a while and exits while
 * a spinner keeps running, then ends the spinners with SIGKILL and collects them: waitpid's
 * status says signal 9 (Linux kill(2), waitpid(2)). A child's nanosleep and the parent's end
 * while spinners run; nanosleep returns 0 for 1 ms and for 0, leaves rem alone after a full
 * sleep, and refuses a tv_nsec outside [0, 10^9) or a negative tv_sec (EINVAL) and a NULL
 * request (EFAULT), as Linux's nanosleep(2). Nothing printed depends on timing.
 */
#include "ulib.h"

#define SPINNERS     2
#define YIELDS       5
#define WORK_LOOPS   20000000u
#define WORKER_EXIT  3
#define SLEEPER_EXIT 5

static void spin(void)
{
	for (;;)
		__asm__ volatile("" : : : "memory"); /* a loop the compiler keeps, no system call */
}

/* Exits with WORKER_EXIT after a busy loop long enough to span several time slices. */
static void work(void)
{
	volatile unsigned sum = 0;
	for (unsigned i = 0; i < WORK_LOOPS; i++)
		sum += i;
	exit(WORKER_EXIT);
}

int main(void)
{
	int spinners[SPINNERS];

	for (int i = 0; i < SPINNERS; i++) {
		spinners[i] = fork();
		if (spinners[i] == 0)
			spin();
		utest_check(spinners[i] > 0, "fork a child that spins forever");
	}

	int yielded = 0;
	for (int i = 0; i < YIELDS; i++)
		yielded += sched_yield() == 0;
	utest_check(yielded == YIELDS, "the parent runs again after giving the CPU to spinners");

	int status = 0, worker = fork();
	if (worker == 0)
		work();
	utest_check(worker > 0 && waitpid(worker, &status, 0) == worker, "waitpid for a worker");
	utest_print_status("worker beside spinners", status);

	/* A sleeper wakes and ends while the spinners spin; so does the parent's own sleep. */
	int sleeper = fork();
	if (sleeper == 0) {
		struct timespec ts = { 0, 30 * 1000 * 1000 };
		exit(nanosleep(&ts, 0) == 0 ? SLEEPER_EXIT : 1);
	}
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	utest_check(nanosleep(&nap, 0) == 0, "the parent sleeps 20 ms beside spinners");
	status = 0;
	utest_check(sleeper > 0 && waitpid(sleeper, &status, 0) == sleeper,
		    "waitpid for a sleeper");
	utest_print_status("sleeper beside spinners", status);

	for (int i = 0; i < SPINNERS; i++) {
		utest_check(kill(spinners[i], SIGKILL) == 0, "kill a spinner with SIGKILL");
		status = 0;
		utest_check(waitpid(spinners[i], &status, 0) == spinners[i], "waitpid for it");
		utest_print_status("spinner", status);
	}
	utest_check(waitpid(-1, &status, 0) == -ECHILD, "no child left");

	struct timespec req = { 0, 1000000 }, rem = { 7, 7 };
	utest_check(nanosleep(&req, &rem) == 0, "nanosleep of 1 ms: 0");
	utest_check(rem.tv_sec == 7 && rem.tv_nsec == 7, "rem untouched after a full sleep");
	struct timespec zero = { 0, 0 }, big = { 0, 1000000000 }, neg = { 0, -1 }, negs = { -1, 0 };
	utest_check(nanosleep(&zero, 0) == 0, "nanosleep of 0: 0");
	utest_check(nanosleep(&big, 0) == -EINVAL, "tv_nsec 10^9: EINVAL");
	utest_check(nanosleep(&neg, 0) == -EINVAL, "tv_nsec -1: EINVAL");
	utest_check(nanosleep(&negs, 0) == -EINVAL, "tv_sec -1: EINVAL");
	utest_check(nanosleep(0, 0) == -EFAULT, "req NULL: EFAULT");
	return utest_failures();
}
