/*
 * cmdline.h - the kernel command line (Multiboot info flag 2), split into words.
 *
 * Words are separated by spaces or tabs. The lookups skip the image's file name when the loader
 * put one first (cmdline_loader_names_file: the rule is in cmdline.c). cmdline_has("qemu-exit")
 * is true when that exact word appears; cmdline_get("test") returns the text after "test=" in
 * the first word starting with it (up to the next blank, NUL-terminated in the kernel's own
 * copy), or NULL.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX 1024

/* True when a loader of this boot_loader_name (NULL: none given) puts the file name first. */
bool cmdline_loader_names_file(const char *loader_name);
/* Copy the loader's string (may be NULL) into the kernel buffer; truncates at CMDLINE_MAX-1.
 * loader_name (may be NULL) decides whether the first word is the file name. */
void cmdline_init(const char *loader_cmdline, const char *loader_name);
/* The whole command line as the loader gave it (kernel copy, "" if none). */
const char *cmdline_text(void);
/* The arguments alone: the text after the file name (if any), leading blanks skipped. */
const char *cmdline_arguments(void);
/* True when the copy had to be cut at CMDLINE_MAX-1 characters. */
bool cmdline_truncated(void);
bool cmdline_has(const char *word);
const char *cmdline_get(const char *key);

#endif
