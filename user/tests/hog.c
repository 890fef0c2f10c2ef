/*
 * hog.c - a child that takes memory a mebibyte at a time and touches every page of it, without
 * end, is stopped either by mmap2 failing with ENOMEM or by the kernel killing it when a page
 * fault finds no frame (SIGKILL, the out-of-memory kill); the parent goes on and still gets
 * memory. Under Linux the test bounds the address space (`ulimit -v`), so ENOMEM comes first.
 */
#include "ulib.h"

#define MIB (1024 * 1024)

static void hog(void)
{
	for (;;) {
		long m = mmap2(0, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (SYS_FAILED(m))
			exit(m == -ENOMEM ? 0 : 1);
		for (unsigned long off = 0; off < MIB; off += 4096)
			((volatile char *)m)[off] = 1;
	}
}

int main(void)
{
	int status = utest_run_child(hog);
	bool by_enomem = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	bool by_kill = status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	utest_check(by_enomem || by_kill, "the memory hog was stopped by ENOMEM or the OOM kill");
	long m = mmap2(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	utest_check(!SYS_FAILED(m), "the parent still gets memory");
	if (!SYS_FAILED(m)) {
		*(volatile int *)m = 5;
		utest_check(*(volatile int *)m == 5, "and can use it");
	}
	return utest_failures();
}
