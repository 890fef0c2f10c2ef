/*
 * test_printf.c - kernel/lib/printf.c on the host, checked against the C library's snprintf.
 *
 * The kernel's formatter claims C11 7.21.6.1 semantics (glibc's where C leaves a choice) for
 * %c %s %d %i %u %x %X %o %p %% with flags, width, precision, * and the length modifiers
 * hh h l ll z. Every check here formats the same thing with both and compares the text and the
 * return value: hand-picked edge cases, a sweep over flag/width/precision/length/conversion
 * combinations with boundary values, truncation, and kprintf's chunked console output.
 * Built with clang, ASan and UBSan (mk/kernel.mk); run by tests/t/30-printf.t with TAP output.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include "kernel/console/console.h"
#include "kernel/lib/printf.h"

/* kprintf's sink on the host: collect what would go to the consoles. */
static char console_buf[8192];
static size_t console_len, console_calls;

void console_write(const char *s, size_t len)
{
	console_calls++;
	assert_true(console_len + len < sizeof(console_buf));
	memcpy(console_buf + console_len, s, len);
	console_len += len;
	console_buf[console_len] = '\0';
}

/* Compare ksnprintf with snprintf for one format and its arguments (a macro: varargs of any type). */
#define CHECK_SAME(fmt, ...)                                                                 \
	do {                                                                                 \
		char want_[512], got_[512];                                                  \
		int want_n_ = snprintf(want_, sizeof(want_), fmt, __VA_ARGS__);              \
		int got_n_ = ksnprintf(got_, sizeof(got_), fmt, __VA_ARGS__);                \
		if (strcmp(want_, got_) != 0 || want_n_ != got_n_)                           \
			fail_msg("format \"%s\": libc \"%s\" (%d), kernel \"%s\" (%d)", fmt, \
				 want_, want_n_, got_, got_n_);                              \
	} while (0)

static void test_plain_and_percent(void **state)
{
	(void)state;
	char buf[32];

	assert_int_equal(ksnprintf(buf, sizeof(buf), "plain text"), 10);
	assert_string_equal(buf, "plain text");
	CHECK_SAME("%%%d", 0);
	CHECK_SAME("100%% sure %d%%", 5);
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", ""), 0);
	assert_string_equal(buf, "");
}

static void test_integers(void **state)
{
	(void)state;
	CHECK_SAME("%d %i %u %x %X %o", 0, 0, 0u, 0u, 0u, 0u);
	CHECK_SAME("%d %d %d", INT_MAX, INT_MIN, -1);
	CHECK_SAME("%u %x %X %o", UINT_MAX, UINT_MAX, 0xABCDEFu, 0777u);
	CHECK_SAME("%5d|%-5d|%05d|%+d|% d|%+5d|%-+5d|", 42, 42, 42, 42, 42, -42, 42);
	CHECK_SAME("%.3d|%.0d|%.0d|%5.3d|%-8.3x|%08.3d|", 7, 0, 1, -7, 0xfu, 5);
	CHECK_SAME("%#x|%#X|%#o|%#x|%#o|%#.0o|%#.0x|%#5o|%#08x|", 255u, 255u, 8u, 0u, 0u, 0u, 0u,
		   8u, 1u);
	/* Out-of-range values for hh and h (C11 7.21.6.1p7: converted) are in test_sweep. */
	CHECK_SAME("%hhd %hhu %hhx %hd %hu %hx", (signed char)-5, (unsigned char)200,
		   (unsigned char)0xab, (short)-300, (unsigned short)60000, (unsigned short)0xbeef);
	CHECK_SAME("%ld %lu %lx %lld %llu %llx", LONG_MIN, ULONG_MAX, 0x12345678ul, LLONG_MIN,
		   ULLONG_MAX, 0x123456789abcdef0ull);
	CHECK_SAME("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)4096, (ssize_t)-5);
	CHECK_SAME("%jd %ju %td", (intmax_t)INTMAX_MIN, (uintmax_t)UINTMAX_MAX, (ptrdiff_t)-3);
	CHECK_SAME("%016llx-%016llx", 0x100000ull, 0x7fdffffull);
	CHECK_SAME("0x%08x %#010x", 0x2badb002u, 0x24fu);
}

/* NULL through a volatile, so neither compiler nor checker folds the %s of NULL away. */
static const char *volatile null_string;

static void test_strings_and_chars(void **state)
{
	(void)state;
	CHECK_SAME("%s|%10s|%-10s|%.2s|%10.3s|%-10.3s|%.0s|", "abc", "abc", "abc", "abc", "abcdef",
		   "abcdef", "abc");
	CHECK_SAME("%c|%3c|%-3c|%c", 'x', 'y', 'z', 0x41);
	CHECK_SAME("%s", null_string);
	CHECK_SAME("%10s|%-8s|", null_string, null_string);
	/* glibc also prints "(null)" for NULL with a precision of 6 or more (below, it prints ""). */
	CHECK_SAME("%.6s|%.10s|", null_string, null_string);
}

static void test_pointers(void **state)
{
	(void)state;
	int x;

	CHECK_SAME("%p", (void *)&x);
	CHECK_SAME("%p|%20p|%-20p|", (void *)0x1000, (void *)0xdeadbeef, (void *)0x10);
	CHECK_SAME("%p|%10p|%-10p|", (void *)NULL, (void *)NULL, (void *)NULL);
}

static void test_star(void **state)
{
	(void)state;
	CHECK_SAME("%*d|%-*d|%*d|%.*d|%.*d|%*.*x|", 6, 42, 6, 42, -6, 42, 4, 7, -1, 7, 8, 5, 0xabu);
	CHECK_SAME("%*s|%.*s|%.*s|", -7, "ab", 2, "abcdef", -2, "abcdef");
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
	CHECK_SAME("%0*d|%-0*d|", 5, -3, 5, -3); /* '-' overrides '0' */
#pragma clang diagnostic pop
}

static void test_truncation(void **state)
{
	(void)state;
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ksnprintf(buf, 5, "%s", "abcdefgh"), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'X'); /* nothing written past size */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ksnprintf(buf, 1, "%d", 12345), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(ksnprintf(NULL, 0, "%08x", 1u), 8);
	assert_int_equal(ksnprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'X'); /* size 0: nothing written, not even the NUL */
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", "1234567"), 7);
	assert_string_equal(buf, "1234567");
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", "12345678"), 8);
	assert_string_equal(buf, "1234567");
}

/* A format that is not understood comes out as written (the kernel's choice; libc's is UB). */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
static void test_unknown_conversion(void **state)
{
	(void)state;
	char buf[32];

	assert_int_equal(ksnprintf(buf, sizeof(buf), "a%qb"), 4);
	assert_string_equal(buf, "a%qb");
	assert_int_equal(ksnprintf(buf, sizeof(buf), "end%-5"), 6);
	assert_string_equal(buf, "end%-5");
}
#pragma clang diagnostic pop

/*
 * The sweep: every combination of flags, widths, precisions, length modifiers and integer
 * conversions over boundary values of each type. UB combinations are skipped ('#' with d/i/u).
 */
static const char *const sweep_flags[] = { "",   "-",  "+",  " ",  "#",  "0",  "-+",   "+0",
					   " 0", "#0", "-#", "- ", "+ ", "-0", "#-+ 0" };
static const char *const sweep_widths[] = { "", "1", "5", "12", "25" };
static const char *const sweep_precisions[] = { "", ".", ".0", ".1", ".3", ".10", ".22" };
static const char sweep_convs[] = "diuxXo";
static const long long sweep_values[] = {
	0,         1,        -1,     7,     -8,    42,      127,     -128,     255,
	256,       32767,    -32768, 65535, 65536, INT_MAX, INT_MIN, UINT_MAX, 0x7fffffffffffLL,
	LLONG_MAX, LLONG_MIN
};

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_COUNT };
static const char *const sweep_lengths[LEN_COUNT] = { "", "hh", "h", "l", "ll", "z" };

static int sweep_one(char *want, char *got, size_t size, const char *fmt, int len, int is_signed,
		     long long v, int *want_n, int *got_n)
{
	switch (len) {
	case LEN_NONE:
	case LEN_HH:
	case LEN_H:
		if (is_signed) {
			*want_n = snprintf(want, size, fmt, (int)v);
			*got_n = ksnprintf(got, size, fmt, (int)v);
		} else {
			*want_n = snprintf(want, size, fmt, (unsigned)v);
			*got_n = ksnprintf(got, size, fmt, (unsigned)v);
		}
		break;
	case LEN_L:
		if (is_signed) {
			*want_n = snprintf(want, size, fmt, (long)v);
			*got_n = ksnprintf(got, size, fmt, (long)v);
		} else {
			*want_n = snprintf(want, size, fmt, (unsigned long)v);
			*got_n = ksnprintf(got, size, fmt, (unsigned long)v);
		}
		break;
	case LEN_LL:
		if (is_signed) {
			*want_n = snprintf(want, size, fmt, v);
			*got_n = ksnprintf(got, size, fmt, v);
		} else {
			*want_n = snprintf(want, size, fmt, (unsigned long long)v);
			*got_n = ksnprintf(got, size, fmt, (unsigned long long)v);
		}
		break;
	default:
		if (is_signed) {
			*want_n = snprintf(want, size, fmt, (ssize_t)v);
			*got_n = ksnprintf(got, size, fmt, (ssize_t)v);
		} else {
			*want_n = snprintf(want, size, fmt, (size_t)v);
			*got_n = ksnprintf(got, size, fmt, (size_t)v);
		}
		break;
	}
	return strcmp(want, got) == 0 && *want_n == *got_n;
}

static void test_sweep(void **state)
{
	(void)state;
	unsigned long checked = 0, mismatches = 0;
	char fmt[64], want[128], got[128];
	int want_n, got_n;

	for (size_t f = 0; f < sizeof(sweep_flags) / sizeof(*sweep_flags); f++)
		for (size_t w = 0; w < sizeof(sweep_widths) / sizeof(*sweep_widths); w++)
			for (size_t p = 0; p < sizeof(sweep_precisions) / sizeof(*sweep_precisions);
			     p++)
				for (int len = 0; len < LEN_COUNT; len++)
					for (const char *c = sweep_convs; *c; c++) {
						int is_signed = *c == 'd' || *c == 'i';

						if (strchr(sweep_flags[f], '#') &&
						    (is_signed || *c == 'u'))
							continue; /* C11 7.21.6.1p6: '#' with d, i, u is undefined */
						snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]",
							 sweep_flags[f], sweep_widths[w],
							 sweep_precisions[p], sweep_lengths[len],
							 *c);
						for (size_t v = 0;
						     v <
						     sizeof(sweep_values) / sizeof(*sweep_values);
						     v++) {
							checked++;
							if (!sweep_one(want, got, sizeof(want), fmt,
								       len, is_signed,
								       sweep_values[v], &want_n,
								       &got_n) &&
							    mismatches++ < 10)
								print_message("# mismatch: format \"%s\" value %lld: libc \"%s\" (%d), "
									      "kernel \"%s\" (%d)\n",
									      fmt, sweep_values[v],
									      want, want_n, got,
									      got_n);
						}
					}
	print_message("# sweep: %lu formatted values compared, %lu mismatches\n", checked,
		      mismatches);
	assert_true(checked > 100000);
	assert_int_equal(mismatches, 0);
}

/* The same sweep through a small buffer: truncation must cut exactly where libc cuts. */
static void test_sweep_truncated(void **state)
{
	(void)state;
	unsigned long mismatches = 0;
	char want[8], got[8];
	int want_n, got_n;

	for (size_t v = 0; v < sizeof(sweep_values) / sizeof(*sweep_values); v++)
		for (size_t size = 1; size <= sizeof(want); size++)
			if (!sweep_one(want, got, size, "%+#25.20llo", LEN_LL, 0, sweep_values[v],
				       &want_n, &got_n) ||
			    !sweep_one(want, got, size, "% 025lld", LEN_LL, 1, sweep_values[v],
				       &want_n, &got_n))
				mismatches++;
	assert_int_equal(mismatches, 0);
}

static void test_kprintf_chunks(void **state)
{
	(void)state;
	char want[1024];
	int n;

	console_len = console_calls = 0;
	n = kprintf("%s|%0300d|%-200s|%llx\n", "start", 1, "x", 0xfedcba9876543210ull);
	snprintf(want, sizeof(want), "%s|%0300d|%-200s|%llx\n", "start", 1, "x",
		 0xfedcba9876543210ull);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(console_buf, want);
	assert_true(console_calls >= 4); /* more than 128 bytes: several chunks to the consoles */
	console_len = console_calls = 0;
	assert_int_equal(kprintf("%s", ""), 0);
	assert_int_equal(console_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_percent),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_sweep_truncated),
		cmocka_unit_test(test_kprintf_chunks),
	};

	return cmocka_run_group_tests_name("printf", tests, NULL, NULL);
}
