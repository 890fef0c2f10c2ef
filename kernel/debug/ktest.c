/*
 * ktest.c - the in-kernel TAP runner (TAP version 13,
 * testanything.org/tap-version-13-specification).
 *
 * The plan goes last ("1..N" after the results), which TAP allows, because suites decide their
 * own number of checks. Diagnostics start with "# " so the harness shows them as comments.
 */
#include "kernel/debug/ktest.h"
#include "kernel/core/cmdline.h"
#include "kernel/core/panic.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "x86.h"

#include <stdarg.h>
#include <stddef.h>

extern const struct ktest_suite __ktest_start[], __ktest_end[];

/* Number of registered suites (the linker's two symbols are distinct objects to C: subtract). */
static size_t ktest_suite_count(void)
{
	return ((uintptr_t)__ktest_end - (uintptr_t)__ktest_start) / sizeof(struct ktest_suite);
}

static uint32_t ktest_count, ktest_failed;

bool ktap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	ktest_count++;
	if (!cond)
		ktest_failed++;
	kprintf("%s %u - ", cond ? "ok" : "not ok", (unsigned)ktest_count);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	return cond;
}

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	kprintf("# ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

/* True when name is exactly the len characters at start (an item of a comma-separated list). */
static bool ktest_name_equals(const char *name, const char *start, size_t len)
{
	return strncmp(name, start, len) == 0 && name[len] == '\0';
}

static void ktest_run_suite(const struct ktest_suite *suite)
{
	uint32_t before = ktest_failed, checks = ktest_count;

	ktap_diag("suite %s", suite->name);
	suite->run();
	if (ktest_count == checks)
		ktap_ok(false, "suite %s ran no checks", suite->name);
	ktap_diag("suite %s: %u checks, %u failed", suite->name, (unsigned)(ktest_count - checks),
		  (unsigned)(ktest_failed - before));
}

/* Length of one name in a comma-separated list. */
static size_t ktest_item_len(const char *list)
{
	size_t len = 0;

	while (list[len] && list[len] != ',')
		len++;
	return len;
}

/* Run every suite whose name is the len characters at item; false when none matches. */
static bool ktest_run_named(const char *item, size_t len)
{
	bool found = false;

	for (size_t i = 0; i < ktest_suite_count(); i++) {
		const struct ktest_suite *s = &__ktest_start[i];

		if (ktest_name_equals("all", item, len) || ktest_name_equals(s->name, item, len)) {
			ktest_run_suite(s);
			found = true;
		}
	}
	return found;
}

void ktest_run_from_cmdline(void)
{
	const char *list = cmdline_get("test");

	if (!list)
		return;
	kprintf("TAP version 13\n");
	if (*list == '\0')
		ktap_ok(false, "test= names no suite (use test=all or test=a,b)");
	while (*list) {
		size_t len = ktest_item_len(list);

		if (!ktest_run_named(list, len))
			ktap_ok(false, "suite '%.*s' exists", (int)len, list);
		list += len;
		if (*list == ',')
			list++;
	}
	kprintf("1..%u\n", (unsigned)ktest_count);
	kprintf("ktest: %u checks, %u failed\n", (unsigned)ktest_count, (unsigned)ktest_failed);
	kernel_stop(ktest_failed || ktest_count == 0 ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}
