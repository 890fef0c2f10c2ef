/*
 * layout.c - a process that uses every kind of user region once, so that its address space at
 * exit shows them all: text and data from the ELF file, a brk heap grown by 64 KiB, two anonymous
 * mmap2(2) regions (one of them read-only, so the two stay apart), and a stack grown to about
 * 64 KiB by a recursion. `make memmap` boots it as init with the kernel's `vmexit` word, which
 * prints the regions as the process ends; tools/memmap.py draws them (docs/memmap.md).
 */
#include "ulib.h"

#define PAGE 4096u

static unsigned char counters[64]; /* .bss: part of the data region */

int main(void)
{
	unsigned long b0 = sys_brk(0);
	utest_check(sys_brk(b0 + 16 * PAGE) == b0 + 16 * PAGE, "brk grows by 64 KiB");
	for (unsigned long a = b0; a < b0 + 16 * PAGE; a += 2 * PAGE)
		*(volatile unsigned char *)a = 1; /* every other page resident */

	long m = mmap2(0, 32 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	utest_check(!SYS_FAILED(m), "mmap2 of 32 pages read-write");
	for (unsigned i = 0; !SYS_FAILED(m) && i < 8; i++)
		((volatile unsigned char *)m)[i * PAGE] = 2; /* the first 8 pages resident */
	long r = mmap2(0, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	utest_check(!SYS_FAILED(r), "mmap2 of 4 pages read-only");

	unsigned want = 0;
	for (unsigned n = 0; n <= 16; n++)
		want += (n & 0xFF) + ((n >> 1) & 0xFF);
	counters[0] = 1;
	utest_check(utest_deep_stack(16) == want, "the stack grows by 17 frames of 4000 bytes");
	utest_check(counters[0] == 1, "the data region keeps what is written");
	return utest_failures();
}
