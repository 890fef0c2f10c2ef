/*
 * proc.h - processes: the table, their life (create, exit, wait) and the scheduler that passes
 * the CPU between them.
 *
 * A process is an address space (mm/uvm.h), a kernel stack of its own in the KSTACK range of
 * include/vmlayout.h (a KSTACK_SLOT per table entry, its lowest page never mapped: an overflow
 * faults instead of overwriting the neighbour) and the trap frame at the top of that stack that
 * holds its user registers while it is in the kernel. The scheduler runs on the kernel's boot
 * stack (proc_run_all): it picks the next runnable process in table order (round robin),
 * switches CR3 and the TSS's ESP0 to it and switches stacks (context.asm); a process gives the
 * CPU back when it waits (for a child, a tick, input), yields or exits, or when its time slice
 * is over on its way back to ring 3 (preemption: sched_tick.h). Exit statuses use Linux's
 * waitpid encoding (include/uapi/linux/wait.h: exit status << 8, or the signal number).
 */
#ifndef KERNEL_PROC_PROC_H
#define KERNEL_PROC_PROC_H

#include <stdint.h>

#include "kernel/arch/x86/trap_frame.h"
#include "mm/uvm.h"
#include "vmlayout.h"

#define PROC_MAX      64 /* fork beyond this returns -EAGAIN */
#define PROC_NAME_MAX 32

_Static_assert(PROC_MAX *KSTACK_SLOT <= KSTACK_END - KSTACK_START, "a kernel stack per process");

/* Signals, Linux's i386 numbers (arch/x86/include/uapi/asm/signal.h). */
#define SIGILL  4
#define SIGTRAP 5
#define SIGBUS  7
#define SIGFPE  8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15
#define SIGCONT 18
#define SIGSTOP 19

/* waitpid statuses (Linux include/uapi/linux/wait.h, glibc bits/waitstatus.h). */
#define PROC_STATUS_EXITED(code)  (((code)&0xFF) << 8)
#define PROC_STATUS_SIGNALED(sig) ((sig)&0x7F)

/* PROC_WAITING: for a child (or not yet started); PROC_SLEEPING: for a tick (nanosleep);
 * PROC_READING: for console input (read of fd 0). */
enum proc_state {
	PROC_FREE,
	PROC_RUNNABLE,
	PROC_WAITING,
	PROC_ZOMBIE,
	PROC_SLEEPING,
	PROC_READING
};

struct proc {
	enum proc_state state;
	int pid, ppid; /* ppid 0: no parent (pid 1, or an orphan) */
	char name[PROC_NAME_MAX];
	struct uvm_space as;
	uint32_t kesp;         /* saved kernel ESP while another runs (context.asm) */
	int kstack_mapped;     /* its kernel stack's pages are mapped */
	int status;            /* waitpid status, once a zombie */
	int wait_pid;          /* while PROC_WAITING: the child waited for, or -1 */
	struct trap_frame *tf; /* the user registers, at the top of the kernel stack */
	int killed;            /* a signal that ends it when it next runs, or 0 */
	int stopped;           /* SIGSTOP: never picked until SIGCONT (its state is kept) */
	uint64_t wake_tick;    /* while PROC_SLEEPING: the tick it runs again at */
};

/* The process running now (NULL in the scheduler). */
struct proc *proc_current(void);
struct proc *proc_find(int pid);

/* A new process: a free slot, an empty address space (or, with a parent, a copy-on-write copy of
 * the parent's: uvm_space_fork), a kernel stack. Its trap frame is zeroed for ring 3; the caller
 * loads a program or copies the parent's registers. NULL and *err = -EAGAIN (table full) or
 * -ENOMEM. */
struct proc *proc_create(const char *name, struct proc *parent, int *err);
/* The name `user:` lines show (cut to PROC_NAME_MAX - 1 characters). */
void proc_set_name(struct proc *p, const char *name);
/* Registers for a program's start in ring 3: eip, esp, user segments, IF; the rest 0. */
void proc_frame_reset(struct proc *p, uint32_t eip, uint32_t esp);
/* Undo proc_create for a process that never ran. */
void proc_destroy(struct proc *p);
/* Make p runnable: its first run enters ring 3 through p->tf. */
void proc_make_runnable(struct proc *p);
/* End the current process with a waitpid status: prints the `user: pid N (name) ...` line,
 * returns its memory, wakes a waiting parent, never returns. */
void proc_exit(int status) __attribute__((noreturn));
/* Give the CPU to the scheduler; returns when this process is picked again. */
void proc_yield(void);
/* On the way back to ring 3: give the CPU to the scheduler if the slice is over. */
void proc_preempt(void);
/* Block the current process for ticks timer ticks (none: return at once). */
void proc_sleep(uint64_t ticks);
/* Block the current process until console input is there (console_input_ready). */
void proc_wait_input(void);
/* Linux fork: a copy of the current process whose fork returns 0 in eax; the child's pid, or
 * -EAGAIN / -ENOMEM. */
int proc_fork(void);
/* Linux kill(pid, sig) for sig 0, SIGKILL, SIGTERM, SIGSEGV (all end the process: there are
 * no handlers), SIGSTOP and SIGCONT (stop it, continue it): 0, -ESRCH, -EINVAL. Outside a
 * process (the monitor) it only marks the target: it acts when the scheduler next runs. */
int proc_kill(int pid, int sig);
/* Linux waitpid(pid, &status, options) for pid > 0 or -1; options WNOHANG only. */
int proc_waitpid(int pid, uint32_t status_ptr, uint32_t options);

/* pid 1's waitpid status once it has ended; -1 before (or while it is stopped, or waits for a
 * stopped process, when the scheduler has returned). */
int proc_init_status(void);

/* Run the scheduler until no process can run: every one has ended, or is stopped, or waits for
 * one that is (a sleeper or a reader of console input that is not stopped keeps it going).
 * Starts the tick and console input, idles in HLT while every process that could run sleeps or
 * waits for input; returns on the kernel's own directory (CR3) with the caller's interrupt
 * flag. */
void proc_run_all(void);

/* For listing processes (the monitor's ps, vm, kill), in kernel/proc/proc_info.c unless noted:
 * the process in table slot i (0 <= i < PROC_MAX; proc.c), or NULL for a free slot; */
const struct proc *proc_slot(unsigned i);
/* its state as a word: "runnable", "waiting", "sleeping", "reading", "stopped", "zombie"; */
const char *proc_state_name(const struct proc *p);
/* its address space, or NULL once it has ended (a zombie keeps only its status). */
const struct uvm_space *proc_space(const struct proc *p);

#endif
