/*
 * fuzz_syscall.c - libFuzzer harness for the system-call layer: the kernel's own
 * kernel/proc/syscall.c (number -> function, each function's use of its six argument registers,
 * the user-buffer checks of read and write) and kernel/proc/exec_args.c (execve's path, argv and envp),
 * compiled for the host and fed random numbers and arguments from processes whose address spaces
 * are the real mm/ code (regions, page faults, copy-on-write, mm/uaccess.c) on the simulated
 * machine of tests/host/test_uvm_machine.c. Under ASan and UBSan no input may crash, and after
 * every call:
 *   - eax is a result or -errno in -4095..-1, never anything else; a write answers at most its
 *     count, and exactly the bytes it answered reached the console; a read answers at most its
 *     count, took exactly that many bytes of the console's input (none on an error) and they
 *     are in the buffer; a number no table can hold answers -ENOSYS;
 *   - the process's region list is sorted, aligned, without overlaps (uvm_region_check);
 *   - what execve copied in is within its limits, each string as long as it says;
 * and after every input, every frame's copy-on-write count equals the number of PTEs mapping it
 * (machine_check_counts) and, once every process is gone, the PMM's free count is back where it
 * started: nothing leaked.
 *
 * What only the running kernel has is faked here, as small as the calls need: the process table
 * (up to FPROCS processes; fork copies the space with uvm_space_fork), exit (a longjmp back to
 * the loop), waitpid (a child still running is ended first, as if it had run to its exit; the
 * status goes out through uaccess_copy_to as proc.c sends it), kill, sched_yield (the next live
 * process makes the following calls), the console and its input (console_input_read,
 * proc_wait_input), nanosleep's tick conversion and sleep, kprintf, and exec_module (no
 * modules: after the real argument copy, -ENOENT).
 *
 * Input: a stream of steps, each an opcode byte then its operands (missing bytes read as 0):
 *   0-215    a system call: a number (from NR_LIST, or raw), then six arguments, each a kind byte
 *            and its bytes (arg_value): small, raw, near a region's edge, near the stack top, a
 *            ready-made vector or string (PREP), a boundary constant, pages, near the break, near
 *            the last result
 *   216-239  poke: a word (arg_value) stored at an address (arg_value) of the current process
 *            through uaccess_copy_to, so inputs can build argv vectors and strings
 *   240-255  switch to the next live process
 * At most STEPS_MAX steps per input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console/console.h"
#include "kernel/console/console_input.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/exec_args.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched_tick.h"
#include "kernel/proc/syscall.h"
#include "mm/cow.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "mm/uvm.h"
#include "tests/host/host_env.h"
#include "tests/host/test_uvm_machine.h"

#define RAM_BYTES     (32ull << 20)
#define FPROCS        4
#define STEPS_MAX     64
#define ERRNO_MAX     4095u    /* Linux's MAX_ERRNO: -4095..-1 are errors */
#define NR_ENOSYS_MIN 0x10000u /* far above any table: must answer -ENOSYS */
#define ENOSYS        38
#define ECHILD        10
#define ESRCH         3
#define EINVAL        22
#define FAKE_ENOENT   2 /* ENOENT: no module of that name (the harness has none) */
#define NR_EXECVE     11
#define NR_READ       3
#define NR_WRITE      4
#define INPUT_BURST   7 /* the faked console input comes in bursts of this many bytes */
#define NSEC_PER_SEC  1000000000u
#define CONSOLE_KEEP  16384

#define TEXT_BASE 0x08048000u
#define TEXT_END  (TEXT_BASE + 2 * PG_SIZE)
#define DATA_BASE TEXT_END
#define DATA_END  (DATA_BASE + 4 * PG_SIZE)
/* The first process's data begins with ready-made argv-like vectors and strings (fproc_first):
 *   PREP + 4 * k, k < VEC_LEN: VEC_LEN - k pointers to "vmb", then NULL (E2BIG by the count)
 *   PREP + 4 * (VEC_LEN + 1): VEC_LEN pointers to a LONG_LEN-byte string, NULL (E2BIG by bytes)
 *   after it: "vmb", a pointer past the user range, NULL; a pointer into the text page
 *   STRS: "vmb", "-x", the long string; and at the data's very end, bytes without a NUL;
 *   the other data bytes a pattern. */
#define PREP      DATA_BASE
#define VEC_LEN   40
#define LONG_LEN  300
#define STRS      (PREP + 1024)

#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			fprintf(stderr, "fuzz_syscall: check failed: %s (line %d)\n", #c, \
				__LINE__);                                                \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* Linux i386 numbers worth trying often: the implemented ones, their neighbours, the edges. */
static const uint32_t NR_LIST[] = {
	0,   1,   2,   3,   4,   5,      6,       7,          11,          13,          20,  37,
	45,  64,  88,  90,  91,  120,    125,     158,        162,         174,         192, 243,
	252, 265, 511, 512, 513, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu,
};

static const uint32_t BOUNDARIES[] = {
	0,
	1,
	PG_SIZE,
	UVM_MIN_ADDR - 1,
	UVM_MIN_ADDR,
	UVM_MMAP_TOP - PG_SIZE,
	UVM_MMAP_TOP,
	UVM_STACK_TOP - UVM_STACK_MAX - 1,
	USER_END - 4,
	USER_END - 1,
	USER_END,
	0x7FFFFFFFu,
	0x80000000u,
	0xFFFFF000u,
	0xFFFFFFFCu,
	0xFFFFFFFFu,
};

static struct proc procs[FPROCS];
static unsigned cur;
static int next_pid;
static jmp_buf exit_jmp;
static const uint8_t *in_p;
static size_t in_n;
static uint32_t last_result;
static uint64_t console_bytes;
static uint64_t input_taken; /* bytes of the faked console input read so far */
static bool input_there;     /* whether a byte of it is queued now */
static char console_kept[CONSOLE_KEEP];

/* --- the input -------------------------------------------------------------------------------- */

static uint8_t in_u8(void)
{
	if (!in_n)
		return 0;
	in_n--;
	return *in_p++;
}

static uint32_t in_u16(void)
{
	uint32_t lo = in_u8();
	return lo | (uint32_t)in_u8() << 8;
}

static uint32_t in_u32(void)
{
	uint32_t lo = in_u16();
	return lo | in_u16() << 16;
}

static uint32_t arg_value(void)
{
	struct uvm_space *as = &procs[cur].as;
	uint8_t kind = in_u8();

	switch (kind % 11) {
	case 0:
		return in_u8();
	case 1:
		return in_u32();
	case 2: { /* near a region's start or end */
		if (as->nregions == 0)
			return in_u32();
		const struct uvm_region *r = &as->regions[in_u8() % as->nregions];
		uint32_t base = (kind & 0x10) ? r->end : r->start;
		return base + (uint32_t)(int32_t)(int16_t)in_u16();
	}
	case 3:
		return UVM_STACK_TOP - in_u16();
	case 4:
		return PREP + in_u8() * 4u;
	case 9:
		return STRS + in_u16() % (DATA_END - STRS);
	case 5:
		return BOUNDARIES[in_u8() % (sizeof BOUNDARIES / sizeof BOUNDARIES[0])];
	case 6:
		return in_u8() * PG_SIZE;
	case 7:
		return as->brk + (uint32_t)(int32_t)(int16_t)in_u16();
	case 8:
		return last_result + (uint32_t)(int32_t)(int8_t)in_u8();
	default:
		return in_u16();
	}
}

/* --- the faked kernel: console, log, process table --------------------------------------------- */

/* What reached the console: the first CONSOLE_KEEP bytes of a call are kept to be compared
 * with the process's memory, all are counted. */
void console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++, console_bytes++)
		if (console_bytes < CONSOLE_KEEP)
			console_kept[console_bytes] = s[i];
}

int kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return n;
}

/* The console's input: the bytes 'a'..'z' over and over, INPUT_BURST at a time; after a burst
 * the queue is empty until the process waits (proc_wait_input), as if a key came meanwhile. */
static char input_byte(uint64_t k)
{
	return (char)('a' + k % 26);
}

bool console_input_ready(void)
{
	return input_there;
}

size_t console_input_read(char *buf, size_t n)
{
	size_t got = 0;
	while (got < n && input_there) {
		buf[got++] = input_byte(input_taken++);
		input_there = input_taken % INPUT_BURST != 0;
	}
	return got;
}

void proc_wait_input(void)
{
	CHECK(!input_there); /* read waits only on an empty queue */
	input_there = true;
}

/* nanosleep: the request reaches the conversion only when valid (Linux's timespec64_valid). */
uint64_t sched_tick_from_time(uint32_t sec, uint32_t nsec)
{
	CHECK(sec <= 0x7FFFFFFFu && nsec < NSEC_PER_SEC);
	return (uint64_t)sec * 100 + nsec / 10000000u + 1;
}

void proc_sleep(uint64_t ticks)
{
	(void)ticks; /* the sleep itself is the scheduler's */
}

struct proc *proc_current(void)
{
	return &procs[cur];
}

static bool fproc_live(const struct proc *p)
{
	return p->state == PROC_RUNNABLE;
}

/* End p with status: its space goes at once, as proc_exit releases it; a zombie until reaped. */
static void fproc_end(struct proc *p, int status)
{
	uvm_space_release(&p->as);
	p->status = status;
	p->state = PROC_ZOMBIE;
}

void proc_exit(int status)
{
	fproc_end(&procs[cur], status);
	longjmp(exit_jmp, 1);
}

int proc_fork(void)
{
	for (unsigned i = 0; i < FPROCS; i++) {
		struct proc *c = &procs[i];
		if (c->state != PROC_FREE)
			continue;
		memset(c, 0, sizeof *c);
		if (uvm_space_fork(&procs[cur].as, &c->as) != 0)
			return UVM_ENOMEM;
		c->pid = next_pid++;
		c->ppid = procs[cur].pid;
		c->state = PROC_RUNNABLE;
		proc_set_name(c, procs[cur].name);
		return c->pid;
	}
	return UVM_EAGAIN;
}

void proc_set_name(struct proc *p, const char *name)
{
	snprintf(p->name, sizeof p->name, "%s", name);
}

int proc_waitpid(int pid, uint32_t status_ptr, uint32_t options)
{
	if (pid == 0 || pid < -1 || (options & ~1u))
		return -EINVAL;
	struct proc *child = NULL;
	for (unsigned i = 0; i < FPROCS && !child; i++) {
		struct proc *c = &procs[i];
		if (c->state != PROC_FREE && c->ppid == procs[cur].pid &&
		    (pid == -1 || c->pid == pid))
			child = c;
	}
	if (!child)
		return -ECHILD;
	if (child->state != PROC_ZOMBIE) {
		if (options & 1u)
			return 0;
		fproc_end(child, PROC_STATUS_EXITED(0)); /* as if it had run to its exit */
	}
	if (status_ptr &&
	    uaccess_copy_to(&procs[cur].as, status_ptr, &child->status, sizeof child->status))
		return UVM_EFAULT;
	child->state = PROC_FREE;
	return child->pid;
}

int proc_kill(int pid, int sig)
{
	if (sig != 0 && sig != SIGKILL && sig != SIGTERM && sig != SIGSEGV)
		return -EINVAL;
	for (unsigned i = 0; i < FPROCS; i++) {
		struct proc *p = &procs[i];
		if (pid <= 0 || p->pid != pid || p->state == PROC_FREE)
			continue;
		if (sig == 0 || p->state == PROC_ZOMBIE)
			return 0;
		if (i == cur)
			proc_exit(PROC_STATUS_SIGNALED(sig));
		fproc_end(p, PROC_STATUS_SIGNALED(sig));
		return 0;
	}
	return -ESRCH;
}

static void fproc_switch(void)
{
	for (unsigned k = 1; k <= FPROCS; k++)
		if (fproc_live(&procs[(cur + k) % FPROCS])) {
			cur = (cur + k) % FPROCS;
			return;
		}
}

void proc_yield(void)
{
	fproc_switch();
}

int exec_syscall(uint32_t upath, uint32_t uargv, uint32_t uenvp)
{
	static struct exec_user_args u;
	int err = exec_args_copy_in(&procs[cur].as, upath, uargv, uenvp, &u);
	if (err)
		return err;
	CHECK(strlen(u.path) < sizeof u.path);
	CHECK(u.a.argc + u.a.envc <= EXEC_ARGS_MAX);
	for (unsigned i = 0; i < u.a.argc + u.a.envc; i++) {
		CHECK(u.a.str[i] >= u.strings && u.a.str[i] < u.strings + sizeof u.strings);
		CHECK(u.a.len[i] < (uint32_t)(u.strings + sizeof u.strings - u.a.str[i]));
		CHECK(strlen(u.a.str[i]) == u.a.len[i]);
	}
	return -FAKE_ENOENT;
}

/* --- one input ------------------------------------------------------------------------------- */

static void panic_abort(const char *msg)
{
	fprintf(stderr, "fuzz_syscall: mm_panic: %s\n", msg);
	abort();
}

/* The first process: a text page loaded as an ELF loader would, data, a break, a stack, and in
 * the data the vectors and strings of PREP (above). */
static void fproc_first(void)
{
	static const char text[] = "vmb\0-x\0in-the-text\0";
	static const char tail[16] = "no-terminating-N";
	static char strs[7 + LONG_LEN + 1] = "vmb\0-x\0";
	static uint32_t vec[2 * (VEC_LEN + 1) + 4];
	struct proc *p = &procs[0];
	uint32_t pa, n = 0;

	memset(procs, 0, sizeof procs);
	CHECK(uvm_space_init(&p->as) == 0);
	CHECK(uvm_region_insert(&p->as, TEXT_BASE, TEXT_END, UVM_PROT_READ | UVM_PROT_EXEC,
				UVM_KIND_TEXT) == 0);
	CHECK(uvm_region_insert(&p->as, DATA_BASE, DATA_END, UVM_PROT_READ | UVM_PROT_WRITE,
				UVM_KIND_DATA) == 0);
	CHECK(uvm_page_populate(&p->as, TEXT_BASE, &pa) == 0);
	memcpy(mm_phys_to_virt(pa), text, sizeof text);
	uvm_brk_setup(&p->as, DATA_END);
	CHECK(uvm_stack_setup(&p->as, 2 * PG_SIZE) == 0);

	/* Every data byte different from its neighbours' (a NUL every 256): a copy that takes a
	 * byte from the wrong place shows. */
	static uint8_t pattern[DATA_END - DATA_BASE];
	for (uint32_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)(i * 7 + 3 + i / PG_SIZE);
	CHECK(uaccess_copy_to(&p->as, DATA_BASE, pattern, sizeof pattern) == 0);
	memset(strs + 7, 'a', LONG_LEN);
	for (unsigned i = 0; i < VEC_LEN; i++)
		vec[n++] = STRS;
	vec[n++] = 0;
	for (unsigned i = 0; i < VEC_LEN; i++)
		vec[n++] = STRS + 7;
	vec[n++] = 0;
	vec[n++] = STRS;
	vec[n++] = USER_END - 2;
	vec[n++] = 0;
	vec[n++] = TEXT_BASE + 4;
	CHECK(n <= sizeof vec / sizeof vec[0] && n * 4 <= STRS - PREP);
	CHECK(uaccess_copy_to(&p->as, PREP, vec, n * 4) == 0);
	CHECK(uaccess_copy_to(&p->as, STRS, strs, sizeof strs) == 0);
	CHECK(uaccess_copy_to(&p->as, DATA_END - sizeof tail, tail, sizeof tail) == 0);
	p->pid = 1;
	p->state = PROC_RUNNABLE;
	proc_set_name(p, "fuzz");
	cur = 0;
	next_pid = 2;
}

/* A write's result: at most its count, exactly that many bytes on the console, and they are the
 * process's bytes, read again word by word through the simulated MMU (another path than
 * mm/uaccess.c's copies). */
static void write_check(uint32_t buf, uint32_t count, uint32_t r)
{
	if (r >= (uint32_t)-ERRNO_MAX) {
		CHECK(console_bytes == 0);
		return;
	}
	CHECK(r <= count && console_bytes == r);
	for (uint32_t i = 0; i < r && i < CONSOLE_KEEP; i++) {
		uint32_t va = buf + i, word = 0;
		struct uvm_fault f;
		CHECK(machine_user_access(&procs[cur].as, va & ~3u, false, &word, &f) ==
		      MACHINE_OK);
		CHECK(console_kept[i] == (char)(word >> (8 * (va & 3))));
	}
}

/* A read's result: at most its count; an error takes no byte of the input, a success takes
 * exactly its result's bytes, and they are in the process's buffer, in order (read again word by
 * word through the simulated MMU). */
static void read_check(uint32_t buf, uint32_t count, uint32_t r, uint64_t taken_before)
{
	if (r >= (uint32_t)-ERRNO_MAX) {
		CHECK(input_taken == taken_before);
		return;
	}
	CHECK(r <= count && input_taken - taken_before == r && (r > 0 || count == 0));
	for (uint32_t i = 0; i < r; i++) {
		uint32_t va = buf + i, word = 0;
		struct uvm_fault f;
		CHECK(machine_user_access(&procs[cur].as, va & ~3u, false, &word, &f) ==
		      MACHINE_OK);
		CHECK((char)(word >> (8 * (va & 3))) == input_byte(taken_before + i));
	}
}

static void step_syscall(uint8_t op)
{
	struct trap_frame tf;
	memset(&tf, 0, sizeof tf);
	uint8_t sel = in_u8();
	uint32_t nr = sel < 192 ? NR_LIST[sel % (sizeof NR_LIST / sizeof NR_LIST[0])] :
				  (op & 1 ? in_u32() : in_u16());
	tf.eax = nr;
	tf.ebx = arg_value();
	tf.ecx = arg_value();
	tf.edx = arg_value();
	tf.esi = arg_value();
	tf.edi = arg_value();
	tf.ebp = arg_value();
	console_bytes = 0;
	uint64_t taken_before = input_taken;

	syscall_dispatch(&tf);

	uint32_t r = tf.eax;
	CHECK(r < USER_END || r >= (uint32_t)-ERRNO_MAX);
	if (nr >= NR_ENOSYS_MIN)
		CHECK(r == (uint32_t)-ENOSYS);
	if (nr == NR_WRITE)
		write_check(tf.ecx, tf.edx, r);
	if (nr == NR_READ)
		read_check(tf.ecx, tf.edx, r, taken_before);
	else
		CHECK(input_taken == taken_before);
	if (nr == NR_EXECVE)
		CHECK(r >= (uint32_t)-ERRNO_MAX);
	if (fproc_live(&procs[cur]))
		CHECK(uvm_region_check(&procs[cur].as) == 0);
	last_result = r;
}

static void step_poke(void)
{
	uint32_t val = arg_value(), addr = arg_value();
	(void)uaccess_copy_to(&procs[cur].as, addr, &val, sizeof val);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		machine_setup(RAM_BYTES);
		host_panic_hook = panic_abort;
		ready = true;
	}
	size_t free_before = pmm_free_count();
	fproc_first();
	in_p = data;
	in_n = size;
	last_result = 0;

	/* A process's exit comes back here; every value the loop needs lives in statics. */
	static unsigned steps;
	steps = 0;
	if (setjmp(exit_jmp))
		fproc_switch();
	while (in_n > 0 && steps < STEPS_MAX && fproc_live(&procs[cur])) {
		steps++;
		uint8_t op = in_u8();
		if (op < 216)
			step_syscall(op);
		else if (op < 240)
			step_poke();
		else
			fproc_switch();
	}

	struct uvm_space *spaces[FPROCS];
	for (unsigned i = 0; i < FPROCS; i++)
		spaces[i] = fproc_live(&procs[i]) ? &procs[i].as : NULL;
	CHECK(machine_check_counts(spaces, FPROCS) == 0);
	for (unsigned i = 0; i < FPROCS; i++)
		if (fproc_live(&procs[i]))
			fproc_end(&procs[i], 0);
	CHECK(pmm_free_count() == free_before);
	return 0;
}
