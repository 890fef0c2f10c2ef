/*
 * cmdline.h - the kernel command line (Multiboot info flag 2), split into words.
 *
 * Words are separated by spaces or tabs. cmdline_has("qemu-exit") is true when that exact word
 * appears; cmdline_get("test") returns the text after "test=" in the first word starting with
 * it (up to the next blank, NUL-terminated in the kernel's own copy), or NULL.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX 1024

/* Copy the loader's string (may be NULL) into the kernel buffer; truncates at CMDLINE_MAX-1. */
void cmdline_init(const char *loader_cmdline);
/* The whole command line as the loader gave it (kernel copy, "" if none). */
const char *cmdline_text(void);
/* True when the copy had to be cut at CMDLINE_MAX-1 characters. */
bool cmdline_truncated(void);
bool cmdline_has(const char *word);
const char *cmdline_get(const char *key);

#endif
