/*
 * ktest.h - in-kernel test suites that report TAP on the consoles (serial for the harness).
 *
 * A suite is a function registered with KTEST_SUITE(name, fn) anywhere in the kernel (usually
 * tests/kernel/<name>.c); the linker collects the records in section .ktest_suites. With
 * `test=<a>,<b>` or `test=all` on the command line, ktest_run_from_cmdline() prints
 *   TAP version 13
 *   # suite <name>
 *   ok 1 - <description>      (one line per ktap_ok)
 *   1..N
 * and exits QEMU with QEMU_EXIT_PASS (status 33) if every check passed, else QEMU_EXIT_FAIL (35).
 * An unknown suite name is a failed check, so a typo cannot pass.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>

struct ktest_suite {
	const char *name;
	void (*run)(void);
};
_Static_assert(sizeof(struct ktest_suite) == 8, "kernel.ld.S expects 8-byte .ktest_suites records");

#define KTEST_SUITE(sname, fn)                           \
	static const struct ktest_suite ktest_suite_##fn \
		__attribute__((used, section(".ktest_suites"), aligned(4))) = { sname, fn }

/* Record one check; returns cond so callers can skip dependent checks. */
bool ktap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A "# ..." diagnostic line. */
void ktap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run the suites named by `test=`; does not return when test= is present (exits QEMU). */
void ktest_run_from_cmdline(void);

#endif
