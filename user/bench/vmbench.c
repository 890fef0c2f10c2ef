/*
 * vmbench.c - what the virtual-memory and process operations of a kernel cost, seen from user
 * space: one static executable that `make bench-vm` (bench/vm/run.sh) boots as pid 1 under our
 * kernel and under Linux in the same emulated machine, so both run the very same instructions.
 *
 * Each operation is timed alone between two reads of the time-stamp counter (RDTSC, Intel SDM
 * Vol. 2B), many times, after a few untimed rounds (so that code runs warm); the median of the
 * samples is printed in TSC cycles, one line per operation:
 *     VMBENCH <op> <median cycles> <samples>
 *   null       the two RDTSC alone (what every other figure includes)
 *   getpid     the null system call: the way in and out of the kernel
 *   zero       the first write to a page of a fresh anonymous mapping: a demand-zero fault
 *   cow        the first write, in a child, to a page its waiting parent also maps: a
 *              copy-on-write fault (the child prints this line)
 *   fork       fork, the child's exit and the parent's waitpid, timed in the parent
 *   yield      sched_yield while one other process does nothing but yield: a round trip, two
 *              switches and two system calls
 *   brk16      brk up by 16 MiB and a write to each of its 4096 pages (then brk back down, untimed)
 * The kernel's clock is not needed. When clock_gettime(CLOCK_MONOTONIC) works (Linux) the rate of
 * the TSC against it comes first, `VMBENCH tsc-hz <Hz>`; with the argument `calibrate` that line
 * is all the program does (bench/vm/run.sh runs it so on the build machine).
 *
 * As pid 1 it ends with reboot(LINUX_REBOOT_CMD_POWER_OFF): init must not exit under Linux (the
 * kernel panics); a kernel without reboot answers ENOSYS and the program exits with status 0.
 */
#include "ulib.h"

#include <stdint.h>

#define PAGE          4096u
#define MIB           (1024u * 1024u)
#define SAMPLES_MAX   10000
#define WARMUP        20
#define CALIBRATE_NS  300000000ull /* long enough that the clock's granularity does not matter */
#define NS_PER_SECOND 1000000000ull

#define N_NULL       2000
#define N_GETPID     10000
#define N_ZERO       2048 /* pages: an 8 MiB mapping */
#define N_COW        2048
#define N_FORK       500
#define N_YIELD      5000
#define YIELD_SETTLE 200000000ull /* TSC cycles of untimed yields first (bench_yield) */
#define N_BRK        11
#define BRK_STEP     (16 * MIB)

static uint64_t samples[SAMPLES_MAX];

static inline uint64_t tsc_read(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Shell sort (Knuth, TAOCP vol. 3, 5.2.1) with the gaps 3h+1: a few thousand samples. */
static void samples_sort(uint64_t *a, int n)
{
	int gap = 1;
	while (gap < n / 3)
		gap = 3 * gap + 1;
	for (; gap > 0; gap /= 3)
		for (int i = gap; i < n; i++) {
			uint64_t v = a[i];
			int j = i;
			for (; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
}

static uint64_t samples_median(int n)
{
	samples_sort(samples, n);
	return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

/* printf's %u is 32 bits wide; a cycle count may not be. */
static const char *u64_format(char buf[21], uint64_t v)
{
	char *p = buf + 20;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static void result_print(const char *op, int n)
{
	char buf[21];
	printf("VMBENCH %s %s %d\n", op, u64_format(buf, samples_median(n)), n);
}

static uint64_t timespec_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * NS_PER_SECOND + (uint64_t)t->tv_nsec;
}

/* The TSC's rate against CLOCK_MONOTONIC over CALIBRATE_NS of busy waiting; 0 without a clock. */
static uint64_t tsc_calibrate(void)
{
	struct timespec t0, t;
	if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0)
		return 0;
	uint64_t c0 = tsc_read(), c1, ns;
	do {
		c1 = tsc_read();
		clock_gettime(CLOCK_MONOTONIC, &t);
		ns = timespec_ns(&t) - timespec_ns(&t0);
	} while (ns < CALIBRATE_NS);
	return (c1 - c0) * NS_PER_SECOND / ns;
}

static void bench_null(void)
{
	for (int i = 0; i < N_NULL; i++) {
		uint64_t t0 = tsc_read();
		samples[i] = tsc_read() - t0;
	}
	result_print("null", N_NULL);
}

static void bench_getpid(void)
{
	for (int i = 0; i < WARMUP; i++)
		getpid();
	for (int i = 0; i < N_GETPID; i++) {
		uint64_t t0 = tsc_read();
		getpid();
		samples[i] = tsc_read() - t0;
	}
	result_print("getpid", N_GETPID);
}

static volatile uint8_t *anon_map(uint32_t pages)
{
	long p = mmap2(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (SYS_FAILED(p)) {
		printf("vmbench: mmap2 of %u pages failed: %ld\n", (unsigned)pages, p);
		exit(1);
	}
	return (volatile uint8_t *)p;
}

static void bench_zero(void)
{
	volatile uint8_t *p = anon_map(N_ZERO);
	for (int i = 0; i < N_ZERO; i++) {
		uint64_t t0 = tsc_read();
		p[i * PAGE] = 1;
		samples[i] = tsc_read() - t0;
	}
	munmap((void *)p, N_ZERO * PAGE);
	result_print("zero", N_ZERO);
}

/* The child does the copying writes while the parent keeps every page mapped in waitpid. */
static void bench_cow(void)
{
	volatile uint8_t *p = anon_map(N_COW);
	for (int i = 0; i < N_COW; i++)
		p[i * PAGE] = 1;
	int pid = fork();
	if (pid == 0) {
		for (int i = 0; i < N_COW; i++) {
			uint64_t t0 = tsc_read();
			p[i * PAGE] = 2;
			samples[i] = tsc_read() - t0;
		}
		result_print("cow", N_COW);
		exit(0);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		printf("vmbench: cow child failed: fork %d, status 0x%x\n", pid, (unsigned)status);
	munmap((void *)p, N_COW * PAGE);
}

static void bench_fork(void)
{
	for (int i = 0; i < WARMUP + N_FORK; i++) {
		uint64_t t0 = tsc_read();
		int pid = fork();
		if (pid == 0)
			exit(0);
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			printf("vmbench: fork failed: %d\n", pid);
			exit(1);
		}
		if (i >= WARMUP)
			samples[i - WARMUP] = tsc_read() - t0;
	}
	result_print("fork", N_FORK);
}

static void bench_yield(void)
{
	int pid = fork();
	if (pid == 0)
		for (;;)
			sched_yield();
	/* Linux's CFS places a new child a slice ahead of its parent (place_entity's START_DEBIT),
	 * and a yield only hands over to a process not that far ahead (pick_next_entity's skip
	 * buddy): until the parent has caught up, its yields come straight back. */
	for (uint64_t t0 = tsc_read(); tsc_read() - t0 < YIELD_SETTLE;)
		sched_yield();
	for (int i = 0; i < N_YIELD; i++) {
		uint64_t t0 = tsc_read();
		sched_yield();
		samples[i] = tsc_read() - t0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	result_print("yield", N_YIELD);
}

static void bench_brk(void)
{
	uint32_t base = ((uint32_t)sys_brk(0) + PAGE - 1) & ~(PAGE - 1);
	if (sys_brk(base) != base) {
		printf("vmbench: brk to 0x%x failed\n", (unsigned)base);
		exit(1);
	}
	for (int i = 0; i < N_BRK; i++) {
		uint64_t t0 = tsc_read();
		if (sys_brk(base + BRK_STEP) != base + BRK_STEP) {
			printf("vmbench: brk +16 MiB failed\n");
			exit(1);
		}
		for (uint32_t a = base; a < base + BRK_STEP; a += PAGE)
			*(volatile uint8_t *)a = 1;
		samples[i] = tsc_read() - t0;
		sys_brk(base);
	}
	result_print("brk16", N_BRK);
}

int main(int argc, char **argv)
{
	char buf[21];
	uint64_t hz = tsc_calibrate();

	if (hz)
		printf("VMBENCH tsc-hz %s\n", u64_format(buf, hz));
	if (argc > 1 && strcmp(argv[1], "calibrate") == 0)
		return hz ? 0 : 1;
	/* Every sample slot written once, so no demand-zero fault lands inside a timed span. */
	for (int i = 0; i < SAMPLES_MAX; i++)
		samples[i] = 0;
	bench_null();
	bench_getpid();
	bench_fork();
	bench_yield();
	bench_zero();
	bench_cow();
	bench_brk();
	printf("VMBENCH done\n");
	if (getpid() == 1)
		reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}
