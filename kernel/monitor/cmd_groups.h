/*
 * cmd_groups.h - the command group each cmd_*.c file defines; table.c lists the ones the
 * kernel has (a subsystem that is not there has no group, rather than commands that fake it).
 */
#ifndef KERNEL_MONITOR_CMD_GROUPS_H
#define KERNEL_MONITOR_CMD_GROUPS_H

#include "kernel/monitor/cmd.h"

extern const struct mon_cmd_group mon_group_sys;    /* cmd_sys.c: help history reboot halt */
extern const struct mon_cmd_group mon_group_pmm;    /* cmd_pmm.c: mmap pmm alloc free */
extern const struct mon_cmd_group mon_group_paging; /* cmd_paging.c: walk map unmap fault */
extern const struct mon_cmd_group mon_group_dump;   /* cmd_dump.c: x xp */
extern const struct mon_cmd_group mon_group_heap;   /* cmd_heap.c: heap kmalloc kfree leaks check */
extern const struct mon_cmd_group mon_group_proc;   /* cmd_proc.c: ps vm kill run */

#endif
