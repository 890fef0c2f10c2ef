/*
 * cmd_proc.c - monitor commands for processes: ps, vm, kill, run.
 *
 * The monitor runs on the kernel's boot stack, outside every process, and reads no input while
 * processes run: `run` starts a module (as init= does) and runs the scheduler until no process
 * is runnable, then the prompt returns. What is left then has ended (zombies whose parent has
 * not collected them), is stopped (SIGSTOP, from itself or another process), or waits for one
 * of those; ps lists them, vm shows their memory, and kill ends or continues one and runs the
 * scheduler again, so the processes it wakes carry on until none is runnable. A program that
 * never ends and never stops keeps the prompt away, as it would with init=.
 *
 * Interrupts are off while processes run, as during init=: ring 3 runs with IF set (its
 * EFLAGS), the kernel's code for a process with IF clear (the gate), as the system calls assume.
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/monitor/cmd.h"
#include "kernel/monitor/cmd_groups.h"
#include "kernel/monitor/mon_mem.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/proc.h"

#define MON_PID_MAX 0x7FFFFFFF /* pids are positive ints (Linux's pid_t) */

/* Signals kill accepts: those the kernel delivers without handlers (proc_kill). */
static const struct {
	const char *name;
	int sig;
} mon_signals[] = {
	{ "KILL", SIGKILL }, { "TERM", SIGTERM }, { "SEGV", SIGSEGV },
	{ "STOP", SIGSTOP }, { "CONT", SIGCONT },
};

static const char *signal_name(int sig)
{
	for (unsigned i = 0; i < MON_ARRAY_SIZE(mon_signals); i++)
		if (mon_signals[i].sig == sig)
			return mon_signals[i].name;
	return "?";
}

/* "KILL", "SIGKILL" or its number; false (error printed) for anything else. */
static bool parse_signal(const char *s, int *sig)
{
	const char *bare = strncmp(s, "SIG", 3) == 0 ? s + 3 : s;
	uint32_t n;

	for (unsigned i = 0; i < MON_ARRAY_SIZE(mon_signals); i++)
		if (strcmp(bare, mon_signals[i].name) == 0 ||
		    (parse_u32(s, &n, NULL) == PARSE_OK && n == (uint32_t)mon_signals[i].sig)) {
			*sig = mon_signals[i].sig;
			return true;
		}
	mon_printf("error: kill: signal '%s' is not one the kernel delivers (no handlers yet): "
		   "KILL 9, TERM 15, SEGV 11, STOP 19, CONT 18\n",
		   s);
	return false;
}

/* The process a pid argument names; NULL (error printed) when none. */
static const struct proc *find_process(const char *cmd, const char *arg)
{
	uint32_t pid;

	if (!parse_arg_u32("pid", arg, 1, MON_PID_MAX, &pid))
		return NULL;
	const struct proc *p = proc_find((int)pid);
	if (!p)
		mon_printf("error: %s: no process with pid %u (ps lists them)\n", cmd,
			   (unsigned)pid);
	return p;
}

/* Run the scheduler until no process is runnable, then say what is left. */
static void run_processes(const char *cmd)
{
	unsigned left = 0;

	cpu_cli();
	proc_run_all();
	cpu_sti();
	for (unsigned i = 0; i < PROC_MAX; i++)
		left += proc_slot(i) != NULL;
	if (left)
		mon_printf("%s: %u processes left (stopped, zombies, or waiting for them): ps "
			   "lists them, kill ends or continues one\n",
			   cmd, left);
	else
		mon_printf("%s: no process left\n", cmd);
}

static unsigned resident_pages(const struct proc *p, unsigned *shared)
{
	const struct uvm_space *as = proc_space(p);
	unsigned res = 0;

	*shared = 0;
	if (as)
		uvm_space_count_pages(as, &res, shared);
	return res;
}

static int cmd_ps(int argc, char **argv)
{
	unsigned n = 0, shared;
	(void)argc;
	(void)argv;

	mon_printf("  PID  PPID STATE     RESIDENT NAME\n");
	for (unsigned i = 0; i < PROC_MAX; i++) {
		const struct proc *p = proc_slot(i);
		if (!p)
			continue;
		mon_printf("%5d %5d %-9s %8u %s\n", p->pid, p->ppid, proc_state_name(p),
			   resident_pages(p, &shared), p->name);
		n++;
	}
	mon_printf("ps: %u processes\n", n);
	return 0;
}

static void prot_letters(unsigned prot, char out[4])
{
	out[0] = (prot & UVM_PROT_READ) ? 'r' : '-';
	out[1] = (prot & UVM_PROT_WRITE) ? 'w' : '-';
	out[2] = (prot & UVM_PROT_EXEC) ? 'x' : '-';
	out[3] = '\0';
}

static int cmd_vm(int argc, char **argv)
{
	unsigned res, shared;
	char prot[4];
	(void)argc;

	const struct proc *p = find_process("vm", argv[1]);
	if (!p)
		return -1;
	const struct uvm_space *as = proc_space(p);
	if (!as) {
		mon_printf("error: vm: pid %d (%s) is a zombie: its memory went at exit, only its "
			   "status waits for its parent\n",
			   p->pid, p->name);
		return -1;
	}
	res = resident_pages(p, &shared);
	mon_printf("vm: pid %d (%s) %s, %u regions, resident %u pages, shared %u, brk 0x%08x\n",
		   p->pid, p->name, proc_state_name(p), as->nregions, res, shared,
		   (unsigned)as->brk);
	mon_printf("  START      END        PROT KIND   RESIDENT SHARED\n");
	for (unsigned i = 0; i < as->nregions; i++) {
		const struct uvm_region *r = &as->regions[i];
		uvm_space_count_range(as, r->start, r->end, &res, &shared);
		prot_letters(r->prot, prot);
		mon_printf("  0x%08x 0x%08x %s  %-6s %8u %6u\n", (unsigned)r->start,
			   (unsigned)r->end, prot, uvm_kind_name((enum uvm_kind)r->kind), res,
			   shared);
	}
	return 0;
}

static int cmd_kill(int argc, char **argv)
{
	int sig = SIGKILL;

	const struct proc *p = find_process("kill", argv[1]);
	if (!p || (argc > 2 && !parse_signal(argv[2], &sig)))
		return -1;
	if (!proc_space(p)) {
		mon_printf("error: kill: pid %d (%s) has ended already (a zombie until its "
			   "parent collects its status)\n",
			   p->pid, p->name);
		return -1;
	}
	int pid = p->pid, err = proc_kill(pid, sig);
	if (err) {
		mon_printf("error: kill: pid %d: error %d\n", pid, err);
		return -1;
	}
	mon_printf("kill: SIG%s to pid %d (%s)\n", signal_name(sig), pid, p->name);
	run_processes("kill");
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static struct exec_args a;

	if (!mon_need_paging("run"))
		return -1;
	a.argc = (unsigned)argc - 1, a.envc = 0;
	for (unsigned i = 0; i < a.argc; i++) {
		a.str[i] = argv[i + 1];
		a.len[i] = (uint32_t)strlen(argv[i + 1]);
	}
	int pid = exec_start(argv[1], argc > 2 ? &a : NULL);
	if (pid < 0) {
		mon_printf("error: run: cannot start '%s': %s (error %d)\n", argv[1],
			   exec_strerror(pid), pid);
		return -1;
	}
	run_processes("run");
	return 0;
}

static const struct mon_cmd mon_cmds_proc[] = {
	{ "ps", "", "processes: pid, parent, state, resident pages, name", 0, 0, cmd_ps },
	{ "vm", "<pid>", "a process's regions with resident and shared pages", 1, 1, cmd_vm },
	{ "kill", "<pid> [sig]", "send KILL (default), TERM, SEGV, STOP or CONT", 1, 2, cmd_kill },
	{ "run", "<module> [args]", "run a module as a new process until none is runnable", 1,
	  MON_MAX_ARGS - 1, cmd_run },
};
const struct mon_cmd_group mon_group_proc = { "processes", mon_cmds_proc,
					      MON_ARRAY_SIZE(mon_cmds_proc) };
