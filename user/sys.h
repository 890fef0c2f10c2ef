/*
 * sys.h - the system calls a user program can make, by their Linux i386 numbers
 * (arch/x86/entry/syscalls/syscall_32.tbl), and the constants they take (Linux's uapi headers:
 * asm-generic/mman-common.h, asm-generic/signal.h, asm-generic/errno-base.h). The same program
 * runs under Linux and under our kernel, so these values are the ABI, not our choice.
 *
 * Every wrapper returns what the kernel returned: a result, or -errno (-4095..-1).
 */
#ifndef USER_SYS_H
#define USER_SYS_H

#define SYS_exit          1
#define SYS_fork          2
#define SYS_read          3
#define SYS_write         4
#define SYS_waitpid       7
#define SYS_execve        11
#define SYS_getpid        20
#define SYS_kill          37
#define SYS_brk           45
#define SYS_getppid       64
#define SYS_reboot        88
#define SYS_munmap        91
#define SYS_mprotect      125
#define SYS_sched_yield   158
#define SYS_nanosleep     162
#define SYS_mmap2         192
#define SYS_exit_group    252
#define SYS_clock_gettime 265

#define PROT_NONE     0x0
#define PROT_READ     0x1
#define PROT_WRITE    0x2
#define PROT_EXEC     0x4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20

/* reboot(2)'s magic numbers and command (include/uapi/linux/reboot.h). */
#define LINUX_REBOOT_MAGIC1        0xfee1deadu
#define LINUX_REBOOT_MAGIC2        672274793
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcu

/* clock_gettime(2)'s clocks (include/uapi/linux/time.h). */
#define CLOCK_MONOTONIC 1

#define SIGILL  4
#define SIGFPE  8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15
#define SIGCONT 18
#define SIGSTOP 19

#define EPERM  1
#define ENOENT 2
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EINVAL 22
#define ENOSYS 38

#define WNOHANG 1 /* waitpid's option: return 0 at once when no child has ended */

/* waitpid's status word (Linux include/uapi/linux/wait.h, the bits glibc's macros read). */
#define WIFEXITED(s)   (((s)&0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s)&0x7f) != 0 && ((s)&0x7f) != 0x7f)
#define WTERMSIG(s)    ((s)&0x7f)

struct timespec {
	long tv_sec;
	long tv_nsec;
};

long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

void exit(int status) __attribute__((noreturn));
int fork(void);
long read(int fd, void *buf, unsigned long len);
long write(int fd, const void *buf, unsigned long len);
int waitpid(int pid, int *status, int options);
int execve(const char *path, char *const argv[], char *const envp[]);
int getpid(void);
int getppid(void);
int kill(int pid, int sig);
unsigned long sys_brk(unsigned long addr);
int munmap(void *addr, unsigned long len);
int mprotect(void *addr, unsigned long len, int prot);
int sched_yield(void);
/* reboot(2) with Linux's magic numbers: cmd is a LINUX_REBOOT_CMD_*; returns only on failure. */
int reboot(unsigned cmd);
int clock_gettime(int clock, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
/* mmap2: the offset is in 4096-byte units; the result is an address or -errno. */
long mmap2(void *addr, unsigned long len, int prot, int flags, int fd, unsigned long pgoff);

/* True when a wrapper's result is an error (-4095..-1). */
#define SYS_FAILED(r) ((unsigned long)(r) > -4096UL)

extern char **environ;

#endif
