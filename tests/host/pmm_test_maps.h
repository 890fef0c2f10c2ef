/*
 * pmm_test_maps.h - the machines the frame allocator's unit tests (test_pmm.c, test_pmm_cost.c)
 * run on: a PC-like memory map of any size, sanitised into pmm_test_map, and pmm_init over it
 * with the log kept quiet.
 */
#ifndef TESTS_HOST_PMM_TEST_MAPS_H
#define TESTS_HOST_PMM_TEST_MAPS_H

#include "mm/pmm.h"

extern struct memmap pmm_test_map;

/* Sanitise raw into pmm_test_map. */
void pmm_test_set_map(const struct memmap_range *raw, size_t n);

/* A PC-like map of `top` bytes: low RAM to 0x9FC00, EBDA, BIOS ROM, RAM from 1 MiB with an ACPI
 * range at its end, and for big machines the 3-4 GiB PCI hole. */
void pmm_test_pc_map(phys_addr_t top);

/* pmm_init(&pmm_test_map, r, n) without its log lines. */
void pmm_test_init_quiet(const struct pmm_region *r, size_t n);

#endif
