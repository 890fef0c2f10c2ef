/*
 * mem.c - demand-zero memory from brk and mmap2, munmap and mprotect, as Linux's brk(2),
 * mmap2(2), munmap(2) and mprotect(2) define them: new memory reads as zero, writes stay, an
 * access after munmap or a write after mprotect(PROT_READ) kills the process that makes it (a
 * child here) with SIGSEGV, and bad arguments give the documented errors.
 */
#include "ulib.h"

#define PAGE       4096u
#define FIXED_ADDR 0x20000000u /* free in a small static program, under Linux and ours */

static unsigned char *area;

static bool all_zero(const unsigned char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool fill_and_verify(unsigned char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	for (unsigned long i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 7 + 3))
			return false;
	return true;
}

static void touch_area(void)
{
	area[0] = 1;
}

static void read_area(void)
{
	volatile unsigned char *p = area;
	(void)p[PAGE];
}

int main(void)
{
	/* brk: the break moves, the new bytes are zero, a shrink gives them back */
	unsigned long b0 = sys_brk(0);
	unsigned long b1 = sys_brk(b0 + 65536);
	utest_check(b1 == b0 + 65536, "brk grows by 64 KiB");
	utest_check(all_zero((unsigned char *)b0, 65536), "new brk memory reads as zero");
	utest_check(fill_and_verify((unsigned char *)b0, 65536),
		    "brk memory keeps what is written");
	utest_check(sys_brk(b0) == b0, "brk shrinks back");
	utest_check(sys_brk(b0 + PAGE) == b0 + PAGE, "brk grows again");
	utest_check(all_zero((unsigned char *)b0, PAGE),
		    "memory given back and taken again is zero");

	/* mmap2: anonymous private memory, zero, kept; errors */
	long m = mmap2(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	utest_check(!SYS_FAILED(m) && m % PAGE == 0,
		    "mmap2 of 16 pages gives a page-aligned address");
	area = (unsigned char *)m;
	utest_check(all_zero(area, 16 * PAGE), "mmap2 memory reads as zero");
	utest_check(fill_and_verify(area, 16 * PAGE), "mmap2 memory keeps what is written");
	printf("mmap2 length 0: %ld\n", mmap2(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	printf("munmap unaligned: %d\n", munmap(area + 1, PAGE));

	/* mprotect: a read-only page is still readable; a write to it kills the writer */
	utest_check(mprotect(area, PAGE, PROT_READ) == 0, "mprotect PROT_READ");
	utest_check(area[1] == 10, "a read-only page still reads");
	utest_print_status("write to a read-only page", utest_run_child(touch_area));
	utest_check(mprotect(area, PAGE, PROT_READ | PROT_WRITE) == 0,
		    "mprotect back to read-write");
	area[0] = 42;
	utest_check(area[0] == 42, "writable again");

	/* munmap: the middle page goes, its neighbours stay */
	utest_check(munmap(area + PAGE, PAGE) == 0, "munmap one page in the middle");
	utest_print_status("read after munmap", utest_run_child(read_area));
	utest_check(area[2 * PAGE] == (unsigned char)(2 * PAGE * 7 + 3),
		    "the next page is untouched");
	utest_check(munmap(area, 16 * PAGE) == 0, "munmap the rest (with the hole)");
	area += 2 * PAGE;
	utest_print_status("write after munmap", utest_run_child(touch_area));

	/* a fixed address */
	long f = mmap2((void *)FIXED_ADDR, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	utest_check(f == (long)FIXED_ADDR, "mmap2 MAP_FIXED at 0x20000000");
	utest_check(all_zero((unsigned char *)FIXED_ADDR, 2 * PAGE), "fixed mapping reads as zero");
	utest_check(munmap((void *)FIXED_ADDR, 2 * PAGE) == 0, "munmap the fixed mapping");
	return utest_failures();
}
