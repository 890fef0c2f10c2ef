/*
 * proc_info.c - what the process table shows to readers outside kernel/proc/ (the monitor's
 * ps, vm and kill): a process's state as a word and its address space while it has one. A
 * zombie has released its memory at exit (proc.c) and keeps only its pid, name and status
 * until its parent collects them, so it has no space to show.
 */
#include "kernel/proc/proc.h"

const char *proc_state_name(const struct proc *p)
{
	if (p->state != PROC_ZOMBIE && p->stopped)
		return "stopped";
	switch (p->state) {
	case PROC_RUNNABLE:
		return "runnable";
	case PROC_WAITING:
		return "waiting";
	case PROC_ZOMBIE:
		return "zombie";
	case PROC_SLEEPING:
		return "sleeping";
	case PROC_READING:
		return "reading";
	case PROC_FREE:
		break;
	}
	return "free";
}

const struct uvm_space *proc_space(const struct proc *p)
{
	return p->state == PROC_ZOMBIE || !p->as.pd ? NULL : &p->as;
}
