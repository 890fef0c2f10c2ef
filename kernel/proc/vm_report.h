/*
 * vm_report.h - the regions of a process's address space printed as it ends (`vmexit` on the
 * kernel command line), in lines tools/memmap.py reads to draw the layout of a process.
 */
#ifndef KERNEL_PROC_VM_REPORT_H
#define KERNEL_PROC_VM_REPORT_H

#include "kernel/proc/proc.h"

/* Print p's regions if the command line has `vmexit`; p's space must still be whole. */
void vm_report_exit(const struct proc *p);

#endif
