/*
 * user_fault.c - exceptions from ring 3 (see user_fault.h).
 */
#include "kernel/proc/user_fault.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/proc.h"
#include "mm/uvm.h"

/* Linux's signal for each exception vector (arch/x86/kernel/traps.c): #DE and the x87/SIMD
 * errors SIGFPE, #DB and #BP SIGTRAP, #UD SIGILL, #NP, #SS and #AC SIGBUS, the rest SIGSEGV. */
static int user_fault_signal(unsigned vector)
{
	switch (vector) {
	case 0:
	case 16:
	case 19:
		return SIGFPE;
	case 1:
	case 3:
		return SIGTRAP;
	case 6:
		return SIGILL;
	case 11:
	case 12:
	case 17:
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

/* The kernel's exception report (traps.c), with eip named as the program's, not looked up
 * among the kernel's symbols. */
static void user_fault_report(const struct trap_frame *tf, const struct proc *p)
{
	kprintf("EXCEPTION: %s (vector %u, error code 0x%08x)\n", trap_name(tf->vector),
		(unsigned)tf->vector, (unsigned)tf->error_code);
	kprintf("  eip=0x%08x (in user code of pid %d (%s))\n", (unsigned)tf->eip, p->pid, p->name);
	trap_dump_state(tf);
}

void user_fault_handle(struct trap_frame *tf, uint32_t cr2)
{
	struct proc *p = proc_current();

	if (tf->vector == TRAP_PAGE_FAULT) {
		struct uvm_fault f;
		uint32_t err = tf->error_code;
		switch (uvm_fault_handle(&p->as, cr2, err, &f)) {
		case UVM_FAULT_RESOLVED:
			return;
		case UVM_FAULT_OOM:
			kprintf("user: pid %d (%s) killed: out of memory (page fault at 0x%08x)\n",
				p->pid, p->name, (unsigned)cr2);
			proc_exit(PROC_STATUS_SIGNALED(SIGKILL));
		case UVM_FAULT_SEGV:
			break;
		}
		user_fault_report(tf, p);
		kprintf("page fault: address 0x%08x: %s, %s, user mode\n", (unsigned)cr2,
			(err & PFE_P) ? "protection violation" : "page not present",
			(err & PFE_W) ? "write" : "read");
		kprintf("  what: %s (%s)\n", uvm_segv_reason_name(f.reason),
			f.si_code == UVM_SEGV_ACCERR ? "SEGV_ACCERR" : "SEGV_MAPERR");
	} else {
		user_fault_report(tf, p);
	}
	int sig = user_fault_signal(tf->vector);
	kprintf("user: pid %d (%s): %s at eip 0x%08x: signal %d\n", p->pid, p->name,
		trap_name(tf->vector), (unsigned)tf->eip, sig);
	proc_exit(PROC_STATUS_SIGNALED(sig));
}
