/*
 * fork.c - fork with copy-on-write seen from the program: after fork each process has its own
 * copy of every page (data, bss, brk heap, mmap2 memory, stack), a write by one never reaches the
 * other in either direction, the child's parent is the caller, and waitpid returns the child and
 * its status (Linux fork(2), waitpid(2)).
 */
#include "ulib.h"

static int data_word = 1; /* .data */
static int bss_word;      /* .bss */

static void nap(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 }; /* 20 ms: the parent writes meanwhile */
	nanosleep(&ts, 0);
}

int main(void)
{
	unsigned long heap = sys_brk(0);
	sys_brk(heap + 4096);
	int *heap_word = (int *)heap;
	long m = mmap2(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int *map_word = (int *)m;
	volatile int stack_word = 1;
	bss_word = 1;
	*heap_word = 1;
	*map_word = 1;

	int parent = getpid();
	int pid = fork();
	if (pid == 0) {
		utest_check(getppid() == parent, "child: getppid is the parent");
		nap();
		/* the parent has written 3 everywhere by now: none of it is seen here */
		printf("child sees %d %d %d %d %d\n", data_word, bss_word, *heap_word, *map_word,
		       stack_word);
		data_word = bss_word = *heap_word = *map_word = stack_word = 2;
		printf("child wrote %d %d %d %d %d\n", data_word, bss_word, *heap_word, *map_word,
		       stack_word);
		exit(7 + utest_failures());
	}
	/* nothing is printed until the child has ended: the output's order is fixed */
	data_word = bss_word = *heap_word = *map_word = stack_word = 3;
	int status = 0;
	int waited = waitpid(pid, &status, 0);
	utest_check(pid > 0, "fork returns the child's pid to the parent");
	utest_check(waited == pid, "waitpid returns the child");
	utest_print_status("child", status);
	printf("parent sees %d %d %d %d %d\n", data_word, bss_word, *heap_word, *map_word,
	       stack_word);
	printf("waitpid with no child left: %d\n", waitpid(-1, &status, 0));

	/* many pages shared, then written by the child only */
	unsigned char *big = (unsigned char *)mmap2(0, 64 * 4096, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i++)
		big[i * 4096] = (unsigned char)i;
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 64; i++)
			big[i * 4096] = 0xEE;
		exit(0);
	}
	waitpid(pid, &status, 0);
	bool same = true;
	for (int i = 0; i < 64; i++)
		same = same && big[i * 4096] == (unsigned char)i;
	utest_check(same, "64 pages written by the child are unchanged in the parent");
	return utest_failures();
}
