/*
 * test_uvm_machine.h - the simulated machine the address-space tests run on: a PC-like memory
 * map in simulated RAM (tests/host/host_env.c), the real PMM, a kernel space with the heap's
 * tables, the copy-on-write counts; plus a simulated MMU that performs a user access the way the
 * CPU would (walk the PTE, fault with the error code it would push, let mm/uvm_fault.c handle
 * it, retry).
 */
#ifndef TESTS_HOST_TEST_UVM_MACHINE_H
#define TESTS_HOST_TEST_UVM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/uvm.h"

/* User address at offset off of the user range: tests name places the same way whatever the
 * range's base is. */
#define UA(off) ((uint32_t)(USER_START + (uint32_t)(off)))

/* Build the machine with ram_bytes of RAM (panics are test failures unless caught). */
void machine_setup(uint64_t ram_bytes);
void machine_teardown(void);

enum machine_access { MACHINE_OK, MACHINE_SEGV, MACHINE_OOM };

/* A user-mode read or write of the 32-bit word at va in as, through the simulated MMU; the value
 * read goes to *val, the one written comes from *val. *fault gets the last fault's decision. */
enum machine_access machine_user_access(struct uvm_space *as, uint32_t va, bool write,
					uint32_t *val, struct uvm_fault *fault);

/* The number of present user PTEs, in every space of spaces[0..n) (NULL entries skipped), that
 * map frame pa. */
unsigned machine_mappings_of(struct uvm_space *const *spaces, unsigned n, uint32_t pa);

/* Every present user page of the spaces: its frame's count equals the number of PTEs mapping it,
 * writable PTEs have a count of one, and no frame is counted that no PTE maps. Returns the
 * number of problems (each printed). */
unsigned machine_check_counts(struct uvm_space *const *spaces, unsigned n);

#endif
