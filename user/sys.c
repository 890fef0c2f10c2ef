/*
 * sys.c - one C function per system call of sys.h, each a call of syscall6 (syscall.S) with its
 * Linux i386 number. exit is exit_group, as glibc's _exit does (all threads; we have one).
 */
#include "sys.h"

void exit(int status)
{
	for (;;)
		syscall6(SYS_exit_group, status, 0, 0, 0, 0, 0);
}

int fork(void)
{
	return (int)syscall6(SYS_fork, 0, 0, 0, 0, 0, 0);
}

long read(int fd, void *buf, unsigned long len)
{
	return syscall6(SYS_read, fd, (long)buf, (long)len, 0, 0, 0);
}

long write(int fd, const void *buf, unsigned long len)
{
	return syscall6(SYS_write, fd, (long)buf, (long)len, 0, 0, 0);
}

int waitpid(int pid, int *status, int options)
{
	return (int)syscall6(SYS_waitpid, pid, (long)status, options, 0, 0, 0);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)syscall6(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

int getpid(void)
{
	return (int)syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}
int getppid(void)
{
	return (int)syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0);
}
int kill(int pid, int sig)
{
	return (int)syscall6(SYS_kill, pid, sig, 0, 0, 0, 0);
}

unsigned long sys_brk(unsigned long addr)
{
	return (unsigned long)syscall6(SYS_brk, (long)addr, 0, 0, 0, 0, 0);
}

int munmap(void *addr, unsigned long len)
{
	return (int)syscall6(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

int mprotect(void *addr, unsigned long len, int prot)
{
	return (int)syscall6(SYS_mprotect, (long)addr, (long)len, prot, 0, 0, 0);
}

int sched_yield(void)
{
	return (int)syscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
}

int reboot(unsigned cmd)
{
	return (int)syscall6(SYS_reboot, (long)LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, (long)cmd,
			     0, 0, 0);
}

int clock_gettime(int clock, struct timespec *ts)
{
	return (int)syscall6(SYS_clock_gettime, clock, (long)ts, 0, 0, 0, 0);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)syscall6(SYS_nanosleep, (long)req, (long)rem, 0, 0, 0, 0);
}

long mmap2(void *addr, unsigned long len, int prot, int flags, int fd, unsigned long pgoff)
{
	return syscall6(SYS_mmap2, (long)addr, (long)len, prot, flags, fd, (long)pgoff);
}
