/*
 * proc.c - the process table, the life of a process and the scheduler (see proc.h).
 *
 * The scheduler is preemptive round robin: a process runs until it blocks (waits for a child,
 * sleeps, waits for input), yields, ends (a system call or a fault that kills it) or, back on
 * its way to ring 3 from any trap, finds its time slice over (proc_preempt). The kernel itself
 * is not preemptible: it runs with interrupts off, so a process only ever leaves the CPU at one
 * of those points, all inside proc_yield. A process's kernel stack, while another runs,
 * holds what context_switch saved; a new one is made to look the same, returning into
 * trap_frame_enter with its trap frame, so its first run leaves the kernel into ring 3. A zombie's
 * address space goes at exit (on its own kernel stack, after CR3 has moved to the kernel's
 * directory), its kernel stack in the scheduler once it has switched away from it, its table
 * slot when its parent collects it with waitpid (at once when it has no parent).
 *
 * Blocked processes are woken by the scheduler, not by interrupt handlers: before each pick it
 * makes sleepers whose tick has come and readers with input waiting runnable; when none is
 * runnable but some sleep or wait for input, it halts until an interrupt ("sti; hlt", the
 * monitor's idle: STI takes effect after the next instruction, SDM Vol. 2B, so an interrupt
 * pending at that point wakes the HLT instead of slipping in before it).
 */
#include "kernel/proc/proc.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tss.h"
#include "kernel/console/console_input.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/proc/sched_tick.h"
#include "kernel/proc/vm_report.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "x86.h"

#define PROC_ESRCH       (-3)
#define PROC_EAGAIN      (-11)
#define PROC_ENOMEM      (-12)
#define PROC_ECHILD      (-10)
#define PROC_EFAULT      (-14)
#define PROC_EINVAL      (-22)
#define PROC_WNOHANG     1
#define EFLAGS_RESERVED1 0x2 /* bit 1 always reads as 1 (SDM 1 3.4.3) */

void context_switch(uint32_t *save_esp, uint32_t new_esp);
void trap_frame_enter(struct trap_frame *tf) __attribute__((noreturn));

static struct proc procs[PROC_MAX];
static struct proc *current;
static uint32_t sched_esp; /* the scheduler's stack while a process runs */
static int next_pid = 1;
static int init_status = -1; /* pid 1's waitpid status, once it has ended */

int proc_init_status(void)
{
	return init_status;
}

struct proc *proc_current(void)
{
	return current;
}

const struct proc *proc_slot(unsigned i)
{
	return i < PROC_MAX && procs[i].state != PROC_FREE ? &procs[i] : NULL;
}

struct proc *proc_find(int pid)
{
	for (unsigned i = 0; i < PROC_MAX; i++)
		if (procs[i].state != PROC_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

static uint32_t kstack_base(const struct proc *p)
{
	return KSTACK_START + (uint32_t)(p - procs) * KSTACK_SLOT;
}

/* The stack's pages above the guard page; the guard stays unmapped. */
static void kstack_unmap(struct proc *p)
{
	for (uint32_t va = kstack_base(p) + PG_SIZE; va < kstack_base(p) + KSTACK_SLOT;
	     va += PG_SIZE) {
		uint32_t pa;
		if (vmspace_translate(paging_kernel_space(), va, &pa, NULL) == PAGING_OK)
			vmspace_unmap(paging_kernel_space(), va);
	}
	p->kstack_mapped = 0;
}

static int kstack_map(struct proc *p)
{
	for (uint32_t va = kstack_base(p) + PG_SIZE; va < kstack_base(p) + KSTACK_SLOT;
	     va += PG_SIZE) {
		if (vmspace_alloc(paging_kernel_space(), va, PTE_W) != PAGING_OK) {
			kstack_unmap(p);
			return PROC_ENOMEM;
		}
	}
	p->kstack_mapped = 1;
	return 0;
}

void proc_set_name(struct proc *p, const char *name)
{
	size_t n = strlen(name);

	memset(p->name, 0, sizeof p->name);
	memcpy(p->name, name, n < PROC_NAME_MAX - 1 ? n : PROC_NAME_MAX - 1);
}

void proc_frame_reset(struct proc *p, uint32_t eip, uint32_t esp)
{
	*p->tf = (struct trap_frame){
		.gs = SEG_UDATA,
		.fs = SEG_UDATA,
		.es = SEG_UDATA,
		.ds = SEG_UDATA,
		.eip = eip,
		.cs = SEG_UCODE,
		.eflags = EFLAGS_IF | EFLAGS_RESERVED1, /* IRQs stay on in ring 3 */
		.user_esp = esp,
		.user_ss = SEG_UDATA,
	};
}

struct proc *proc_create(const char *name, struct proc *parent, int *err)
{
	struct proc *p = NULL;

	for (unsigned i = 0; i < PROC_MAX && !p; i++)
		if (procs[i].state == PROC_FREE)
			p = &procs[i];
	if (!p) {
		*err = PROC_EAGAIN;
		return NULL;
	}
	memset(p, 0, sizeof *p);
	if ((parent ? uvm_space_fork(&parent->as, &p->as) : uvm_space_init(&p->as)) != 0) {
		/* uvm_space_fork has released what it made of the child's space */
		*err = PROC_ENOMEM;
		return NULL;
	}
	if (kstack_map(p) != 0) {
		uvm_space_release(&p->as);
		*err = PROC_ENOMEM;
		return NULL;
	}
	p->pid = next_pid++;
	p->ppid = parent ? parent->pid : 0;
	p->state = PROC_WAITING; /* not runnable until proc_make_runnable */
	proc_set_name(p, name);
	p->tf = (struct trap_frame *)(uintptr_t)(kstack_base(p) + KSTACK_SLOT - TF_SIZE);
	proc_frame_reset(p, 0, 0);
	return p;
}

void proc_destroy(struct proc *p)
{
	uvm_space_release(&p->as);
	kstack_unmap(p);
	p->state = PROC_FREE;
}

/* A new process's first code: killed before it ever ran, or into ring 3. */
static void proc_enter_user(struct trap_frame *tf)
{
	if (current->killed)
		proc_exit(PROC_STATUS_SIGNALED(current->killed));
	trap_frame_enter(tf);
}

void proc_make_runnable(struct proc *p)
{
	/* What context_switch pops (edi, esi, ebx, ebp), then its return into proc_enter_user,
	 * whose own return address (never used) and argument follow. */
	uint32_t *sp = (uint32_t *)p->tf;
	*--sp = (uint32_t)(uintptr_t)p->tf;
	*--sp = 0;
	*--sp = (uint32_t)(uintptr_t)proc_enter_user;
	for (unsigned i = 0; i < 4; i++)
		*--sp = 0;
	p->kesp = (uint32_t)(uintptr_t)sp;
	p->state = PROC_RUNNABLE;
}

void proc_yield(void)
{
	context_switch(&current->kesp, sched_esp);
	if (current->killed && current->state != PROC_ZOMBIE)
		proc_exit(PROC_STATUS_SIGNALED(current->killed));
}

void proc_preempt(void)
{
	if (current && sched_tick_slice_over())
		proc_yield(); /* still runnable: it runs again in its turn */
}

void proc_sleep(uint64_t ticks)
{
	if (!ticks)
		return;
	current->wake_tick = sched_tick_now() + ticks;
	current->state = PROC_SLEEPING;
	proc_yield();
}

void proc_wait_input(void)
{
	current->state = PROC_READING;
	proc_yield();
}

int proc_kill(int pid, int sig)
{
	struct proc *p = proc_find(pid);

	if (sig != 0 && sig != SIGKILL && sig != SIGTERM && sig != SIGSEGV && sig != SIGSTOP &&
	    sig != SIGCONT)
		return PROC_EINVAL; /* no handlers yet: only the default actions that need none */
	if (pid <= 0 || !p)
		return PROC_ESRCH;
	if (sig == 0 || p->state == PROC_ZOMBIE)
		return 0;
	if (sig == SIGCONT) {
		p->stopped = 0;
		return 0;
	}
	if (sig == SIGSTOP) {
		/* A pending kill wins (Linux: SIGKILL wakes a stopped task and is never blocked). */
		p->stopped = !p->killed;
		if (p == current)
			proc_yield(); /* back when continued */
		return 0;
	}
	if (p == current)
		proc_exit(PROC_STATUS_SIGNALED(sig));
	/* It is parked in proc_yield (blocked or preempted) or not yet started: it ends when it
	 * next runs, stopped or not (Linux's SIGKILL wakes a stopped task; without handlers every
	 * signal here ends it). */
	p->killed = sig;
	p->stopped = 0;
	p->state = PROC_RUNNABLE;
	return 0;
}

static void proc_print_end(const struct proc *p)
{
	if (p->status & 0x7F)
		kprintf("user: pid %d (%s) killed by signal %d\n", p->pid, p->name,
			p->status & 0x7F);
	else
		kprintf("user: pid %d (%s) exited with status %d\n", p->pid, p->name,
			(p->status >> 8) & 0xFF);
}

void proc_exit(int status)
{
	struct proc *p = current;

	p->status = status;
	if (p->pid == 1)
		init_status = status;
	vm_report_exit(p);
	vmspace_switch(paging_kernel_space());
	uvm_space_release(&p->as);
	proc_print_end(p);
	for (unsigned i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];
		if (c->state == PROC_FREE || c->ppid != p->pid)
			continue;
		c->ppid = 0;
		if (c->state == PROC_ZOMBIE)
			c->state = PROC_FREE; /* its kernel stack went when it switched away */
	}
	struct proc *parent = p->ppid ? proc_find(p->ppid) : NULL;
	if (parent && parent->state == PROC_WAITING &&
	    (parent->wait_pid == -1 || parent->wait_pid == p->pid))
		parent->state = PROC_RUNNABLE;
	p->state = PROC_ZOMBIE;
	proc_yield();
	for (;;) /* a zombie is never picked again */
		;
}

int proc_fork(void)
{
	int err;
	struct proc *c = proc_create(current->name, current, &err);

	if (!c)
		return err;
	*c->tf = *current->tf;
	c->tf->eax = 0;
	proc_make_runnable(c);
	return c->pid;
}

/* A child of the current process that waitpid's pid names, preferring a zombie; NULL if none. */
static struct proc *proc_child(int pid, int *any)
{
	*any = 0;
	for (unsigned i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];
		if (c->state == PROC_FREE || c->ppid != current->pid ||
		    (pid != -1 && c->pid != pid))
			continue;
		*any = 1;
		if (c->state == PROC_ZOMBIE)
			return c;
	}
	return NULL;
}

int proc_waitpid(int pid, uint32_t status_ptr, uint32_t options)
{
	if (pid == 0 || pid < -1 || (options & ~PROC_WNOHANG))
		return PROC_EINVAL; /* process groups are not there */
	for (;;) {
		int any;
		struct proc *c = proc_child(pid, &any);
		if (!any)
			return PROC_ECHILD;
		if (c) {
			if (status_ptr &&
			    uaccess_copy_to(&current->as, status_ptr, &c->status, sizeof c->status))
				return PROC_EFAULT;
			int cpid = c->pid;
			c->state = PROC_FREE;
			return cpid;
		}
		if (options & PROC_WNOHANG)
			return 0;
		current->state = PROC_WAITING;
		current->wait_pid = pid;
		proc_yield();
	}
}

/* Sleepers whose tick has come and readers with input waiting become runnable. Returns whether
 * a process that is not stopped still sleeps or waits for input (an interrupt can end those
 * waits; a stopped one needs SIGCONT first, which no interrupt sends). */
static bool proc_wake_blocked(void)
{
	uint64_t now = sched_tick_now();
	bool input = console_input_ready(), blocked = false;

	for (unsigned i = 0; i < PROC_MAX; i++) {
		struct proc *p = &procs[i];
		if ((p->state == PROC_SLEEPING && now >= p->wake_tick) ||
		    (p->state == PROC_READING && input))
			p->state = PROC_RUNNABLE;
		if (!p->stopped && (p->state == PROC_SLEEPING || p->state == PROC_READING))
			blocked = true;
	}
	return blocked;
}

void proc_run_all(void)
{
	unsigned last = PROC_MAX - 1;
	uint32_t flags = cpu_read_eflags();

	cpu_cli();
	console_input_init();
	sched_tick_start();
	for (;;) {
		bool blocked = proc_wake_blocked();
		struct proc *p = NULL;
		for (unsigned k = 1; k <= PROC_MAX && !p; k++) {
			unsigned i = (last + k) % PROC_MAX;
			if (procs[i].state == PROC_RUNNABLE && !procs[i].stopped)
				p = &procs[i], last = i;
		}
		if (!p && !blocked)
			break;
		if (!p) {
			cpu_wait_interrupt();
			continue;
		}
		current = p;
		vmspace_switch(p->as.pd);
		tss_set_kernel_stack(kstack_base(p) + KSTACK_SLOT);
		sched_tick_new_slice();
		context_switch(&sched_esp, p->kesp);
		current = NULL;
		if (p->state == PROC_ZOMBIE && p->kstack_mapped) {
			kstack_unmap(p);
			if (p->ppid == 0)
				p->state = PROC_FREE;
		}
	}
	vmspace_switch(paging_kernel_space()); /* the last one may have left while it waited */
	unsigned stopped = 0;
	for (unsigned i = 0; i < PROC_MAX; i++)
		stopped += procs[i].state != PROC_FREE && procs[i].stopped;
	for (unsigned i = 0; i < PROC_MAX && !stopped; i++)
		if (procs[i].state == PROC_WAITING)
			kprintf("user: pid %d (%s) still waits: no process can wake it\n",
				procs[i].pid, procs[i].name);
	sched_tick_stop();
	if (flags & EFLAGS_IF)
		cpu_sti();
}
