/*
 * ulib.h - the small C library of our user programs: the string and memory functions the
 * compiler and the tests need (kernel/lib/string.c, the kernel's own, compiled for user space:
 * plain freestanding C), and printf to standard output. Each printf call is one write(2)
 * (up to ULIB_PRINTF_MAX bytes), so output is never held in a buffer across a fork: what a
 * process printed is on the terminal before its child exists, under Linux and under our kernel.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/lib/string.h" /* the kernel's string functions, built for user programs too */
#include "sys.h"

#define ULIB_PRINTF_MAX 512

/* Conversions: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field width, 'l' (ignored:
 * long is int here). Returns the number of bytes formatted. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int puts(const char *s);

/* --- for test programs (check.c) ------------------------------------------------------------- */

/* Prints "ok - what" or "FAIL - what" and counts the failures. */
void utest_check(bool cond, const char *what);
/* The number of failed checks so far: a test program's exit status. */
int utest_failures(void);
/* Runs fn in a child process (which then exits 0) and returns the status waitpid gave for it,
 * or -1 when fork or waitpid failed. */
int utest_run_child(void (*fn)(void));
/* Prints "what: exited with status N" or "what: killed by signal S" (Linux's status word). */
void utest_print_status(const char *what, int status);
/* Recurses n deep with a frame of UTEST_FRAME_BYTES each, writing both ends of every frame (so
 * every stack page is touched); returns the sum of the two bytes each frame wrote. */
#define UTEST_FRAME_BYTES 4000
unsigned utest_deep_stack(unsigned n);

#endif
