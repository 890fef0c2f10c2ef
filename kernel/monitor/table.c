/*
 * table.c - the monitor's command table: the groups, in the order help lists them.
 */
#include "kernel/monitor/cmd_groups.h"

const struct mon_cmd_group *const mon_groups[] = {
	&mon_group_sys,  &mon_group_pmm,  &mon_group_paging,
	&mon_group_dump, &mon_group_heap, &mon_group_proc,
};
const size_t mon_group_count = MON_ARRAY_SIZE(mon_groups);
