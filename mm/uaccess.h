/*
 * uaccess.h - the kernel's access to a process's memory through pointers the process gave it
 * (system-call arguments): checks that never trust the pointer, and copies that never fault.
 *
 * A user span [ptr, ptr + len) is good when it does not wrap, lies inside [USER_START, USER_END)
 * and every page of it is in a region that allows the access (a write needs PROT_WRITE, a read
 * anything but PROT_NONE) or below the stack within its growth limit; otherwise UVM_EFAULT, as
 * Linux's access_ok and copy_{from,to}_user answer -EFAULT. The copies first bring every page in
 * (the same fault handling a user access would get: demand zero, copy-on-write, stack growth),
 * then move the bytes through the frames' kernel addresses (kmap: a window for a frame above
 * the direct map), so they work on any space, current or not, and the kernel never takes a
 * fault on a user address.
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/uvm.h"

#define UVM_ENAMETOOLONG (-36)

/* 0 when every byte of [ptr, ptr + len) may be read (write false) or written (write true) by the
 * process; UVM_EFAULT otherwise. len 0 is always fine. */
int uaccess_check(const struct uvm_space *as, uint32_t ptr, uint32_t len, bool write);
/* uaccess_check, then every page of the span present (and writable for write): 0, UVM_EFAULT,
 * or UVM_ENOMEM when a frame could not be had. */
int uaccess_fault_in(struct uvm_space *as, uint32_t ptr, uint32_t len, bool write);
/* Copy len bytes from the process's usrc to dst / from src to the process's udst (UVM_ENOMEM
 * also when no kmap window was free). */
int uaccess_copy_from(struct uvm_space *as, void *dst, uint32_t usrc, uint32_t len);
int uaccess_copy_to(struct uvm_space *as, uint32_t udst, const void *src, uint32_t len);
/* A NUL-terminated string from the process into dst (size bytes, NUL included): its length, or
 * UVM_EFAULT, or UVM_ENAMETOOLONG when no NUL came within size bytes (Linux strncpy_from_user
 * and getname). */
int uaccess_copy_string(struct uvm_space *as, char *dst, uint32_t usrc, uint32_t size);

#endif
