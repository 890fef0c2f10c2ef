/*
 * syscall.c - the system calls of user programs (see syscall.h), each a function of the
 * frame's six argument registers. Pointers are the caller's and are never dereferenced: they go
 * through mm/uaccess.h, so a bad one is -EFAULT, never a kernel fault. A number without a
 * function answers -ENOSYS, and the console says so once per number.
 */
#include "kernel/proc/syscall.h"
#include "kernel/console/console.h"
#include "kernel/console/console_input.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sched_tick.h"
#include "mm/uaccess.h"

#define ENOSYS              38
#define EBADF               9
#define EINVAL              22
#define NSEC_PER_SEC        1000000000
#define SYSCALL_MAX         512 /* above the highest number syscall_32.tbl assigns */
#define SYSCALL_WRITE_CHUNK 256
#define SYSCALL_READ_CHUNK  256

typedef int32_t (*syscall_fn)(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			      uint32_t a6);

static int32_t sys_exit(uint32_t code, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			uint32_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	proc_exit(PROC_STATUS_EXITED(code));
}

static int32_t sys_fork(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			uint32_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return proc_fork();
}

/* write(fd, buf, count): fd 1 and 2 are the console. The whole span is checked first, so a bad
 * buffer writes nothing. */
static int32_t sys_write(uint32_t fd, uint32_t buf, uint32_t count, uint32_t a4, uint32_t a5,
			 uint32_t a6)
{
	struct uvm_space *as = &proc_current()->as;
	char chunk[SYSCALL_WRITE_CHUNK];

	(void)a4, (void)a5, (void)a6;
	if (fd != 1 && fd != 2)
		return -EBADF;
	if ((int32_t)count < 0 || uaccess_check(as, buf, count, false))
		return UVM_EFAULT;
	for (uint32_t done = 0; done < count;) {
		uint32_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
		int err = uaccess_copy_from(as, chunk, buf + done, n);
		if (err)
			return done ? (int32_t)done : err;
		console_write(chunk, n);
		done += n;
	}
	return (int32_t)count;
}

/* read(fd, buf, count): fd 0 is the console's input (console_input.h), read as a terminal in
 * non-canonical mode without echo, VMIN 1 and VTIME 0 (POSIX termios, "Non-Canonical Mode Input
 * Processing"): the call waits until at least one byte is queued, then takes what is queued, up
 * to count. Each chunk's pages are faulted in before its bytes leave the queue, so a bad buffer
 * (EFAULT) or a frame that cannot be had (ENOMEM) loses no input. */
static int32_t sys_read(uint32_t fd, uint32_t buf, uint32_t count, uint32_t a4, uint32_t a5,
			uint32_t a6)
{
	struct uvm_space *as = &proc_current()->as;
	char chunk[SYSCALL_READ_CHUNK];
	uint32_t done = 0;

	(void)a4, (void)a5, (void)a6;
	if (fd != 0)
		return -EBADF;
	if ((int32_t)count < 0 || uaccess_check(as, buf, count, true))
		return UVM_EFAULT;
	if (!count)
		return 0;
	while (!console_input_ready())
		proc_wait_input();
	while (done < count && console_input_ready()) {
		uint32_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
		int err = uaccess_fault_in(as, buf + done, n, true);
		if (err)
			return done ? (int32_t)done : err;
		size_t got = console_input_read(chunk, n);
		if (uaccess_copy_to(as, buf + done, chunk, (uint32_t)got))
			break; /* cannot happen: the pages are in and nothing ran since */
		done += (uint32_t)got;
	}
	return (int32_t)done;
}

static int32_t sys_execve(uint32_t path, uint32_t argv, uint32_t envp, uint32_t a4, uint32_t a5,
			  uint32_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return exec_syscall(path, argv, envp);
}

static int32_t sys_waitpid(uint32_t pid, uint32_t status, uint32_t options, uint32_t a4,
			   uint32_t a5, uint32_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return proc_waitpid((int)pid, status, options);
}

static int32_t sys_getpid(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			  uint32_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return proc_current()->pid;
}

static int32_t sys_getppid(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			   uint32_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return proc_current()->ppid;
}

static int32_t sys_kill(uint32_t pid, uint32_t sig, uint32_t a3, uint32_t a4, uint32_t a5,
			uint32_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return proc_kill((int)pid, (int)sig);
}

static int32_t sys_brk(uint32_t brk, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
		       uint32_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return (int32_t)uvm_brk(&proc_current()->as, brk);
}

static int32_t sys_munmap(uint32_t addr, uint32_t len, uint32_t a3, uint32_t a4, uint32_t a5,
			  uint32_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return uvm_munmap(&proc_current()->as, addr, len);
}

static int32_t sys_mprotect(uint32_t addr, uint32_t len, uint32_t prot, uint32_t a4, uint32_t a5,
			    uint32_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return uvm_mprotect(&proc_current()->as, addr, len, prot);
}

static int32_t sys_sched_yield(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5,
			       uint32_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	proc_yield();
	return 0;
}

/* nanosleep(req, rem): Linux's i386 struct timespec (old_timespec32: two 32-bit longs). The
 * sleep is whole ticks, rounded up and one more (sched_tick_from_time): never shorter than asked.
 * Linux writes rem only when a signal cuts the sleep short (kernel/time/hrtimer.c), which cannot
 * happen here yet (a signal ends the process), so rem is never touched, as under Linux after a
 * full sleep. */
static int32_t sys_nanosleep(uint32_t req, uint32_t rem, uint32_t a3, uint32_t a4, uint32_t a5,
			     uint32_t a6)
{
	int32_t ts[2];

	(void)rem, (void)a3, (void)a4, (void)a5, (void)a6;
	int err = uaccess_copy_from(&proc_current()->as, ts, req, sizeof ts);
	if (err)
		return err;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= NSEC_PER_SEC)
		return -EINVAL;
	proc_sleep(sched_tick_from_time((uint32_t)ts[0], (uint32_t)ts[1]));
	return 0;
}

/* mmap2(addr, len, prot, flags, fd, pgoff): anonymous private mappings only (files are not
 * there: uvm_mmap_anon answers -EINVAL for anything else). */
static int32_t sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, uint32_t fd,
			 uint32_t pgoff)
{
	uint32_t out;

	(void)fd, (void)pgoff;
	int err = uvm_mmap_anon(&proc_current()->as, addr, len, prot, flags, &out);
	return err ? err : (int32_t)out;
}

/* Indexed by Linux's i386 numbers (syscall_32.tbl). */
static const syscall_fn syscall_table[] = {
	[1] = sys_exit,          [2] = sys_fork,        [3] = sys_read,    [4] = sys_write,
	[7] = sys_waitpid,       [11] = sys_execve,     [20] = sys_getpid, [37] = sys_kill,
	[45] = sys_brk,          [64] = sys_getppid,    [91] = sys_munmap, [125] = sys_mprotect,
	[158] = sys_sched_yield, [162] = sys_nanosleep, [192] = sys_mmap2, [252] = sys_exit,
};
#define SYSCALL_TABLE_LEN (sizeof syscall_table / sizeof syscall_table[0])

static uint8_t syscall_logged[SYSCALL_MAX / 8];

void syscall_dispatch(struct trap_frame *tf)
{
	uint32_t nr = tf->eax;
	syscall_fn fn = nr < SYSCALL_TABLE_LEN ? syscall_table[nr] : NULL;

	if (!fn) {
		if (nr < SYSCALL_MAX && !(syscall_logged[nr / 8] & (1u << (nr % 8)))) {
			syscall_logged[nr / 8] |= (uint8_t)(1u << (nr % 8));
			kprintf("user: pid %d (%s): system call %u is not implemented (ENOSYS)\n",
				proc_current()->pid, proc_current()->name, (unsigned)nr);
		}
		tf->eax = (uint32_t)-ENOSYS;
		return;
	}
	tf->eax = (uint32_t)fn(tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp);
}
