/*
 * test_monitor_parse.c - host tests (cmocka) of the monitor's tokenizer, number parser and
 * command dispatcher (kernel/monitor/parse.c, kernel/monitor/cmd.c).
 *
 * mon_printf is captured here, so each test checks the exact error a user would read. The command
 * table is a small one made for the test: the dispatcher must check argument counts before a
 * handler runs, and a handler's errors must come back as MON_FAILED.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/monitor/cmd.h"
#include "kernel/monitor/out.h"
#include "kernel/monitor/parse.h"

static char printed[4096];
static size_t printed_len;

void mon_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(printed + printed_len, sizeof printed - printed_len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && printed_len + (size_t)n < sizeof printed);
	printed_len += (size_t)n;
}

static int reset(void **state)
{
	(void)state;
	printed_len = 0;
	printed[0] = '\0';
	return 0;
}

/* --- tokenizer ---------------------------------------------------------------------------- */

static void test_words(void **state)
{
	(void)state;
	char line[] = "  map\t0x1000  0x2000 w  ";
	char *argv[MON_MAX_ARGS];
	assert_int_equal(parse_words(line, argv, MON_MAX_ARGS), 4);
	assert_string_equal(argv[0], "map");
	assert_string_equal(argv[1], "0x1000");
	assert_string_equal(argv[2], "0x2000");
	assert_string_equal(argv[3], "w");

	char blank[] = " \t ";
	assert_int_equal(parse_words(blank, argv, MON_MAX_ARGS), 0);
	char empty[] = "";
	assert_int_equal(parse_words(empty, argv, MON_MAX_ARGS), 0);
	char many[] = "a b c d";
	assert_int_equal(parse_words(many, argv, 3), -1);
	char exact[] = "a b c";
	assert_int_equal(parse_words(exact, argv, 3), 3);
}

static void test_take_last(void **state)
{
	(void)state;
	char line[] = "free 0x1000 2 force";
	char *argv[MON_MAX_ARGS + 1];
	int argc = parse_words(line, argv, MON_MAX_ARGS);
	assert_int_equal(argc, 4);
	assert_false(parse_take_last(&argc, argv, "forc"));
	assert_true(parse_take_last(&argc, argv, "force"));
	assert_int_equal(argc, 3);
	assert_null(argv[3]);
	assert_false(parse_take_last(&argc, argv, "force"));
	assert_int_equal(argc, 3);
	/* The command name itself is never taken. */
	char only[] = "force";
	argc = parse_words(only, argv, MON_MAX_ARGS);
	assert_false(parse_take_last(&argc, argv, "force"));
	assert_int_equal(argc, 1);
}

/* --- numbers ------------------------------------------------------------------------------ */

static void test_u32_good(void **state)
{
	(void)state;
	uint32_t v = 1;
	assert_int_equal(parse_u32("0", &v, NULL), PARSE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u32("4096", &v, NULL), PARSE_OK);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_u32("0x1000", &v, NULL), PARSE_OK);
	assert_int_equal(v, 0x1000);
	assert_int_equal(parse_u32("0XdeadBEEF", &v, NULL), PARSE_OK);
	assert_int_equal(v, 0xDEADBEEFu);
	assert_int_equal(parse_u32("4294967295", &v, NULL), PARSE_OK);
	assert_int_equal(v, 0xFFFFFFFFu);
	assert_int_equal(parse_u32("0xffffffff", &v, NULL), PARSE_OK);
	assert_int_equal(v, 0xFFFFFFFFu);
	assert_int_equal(parse_u32("010", &v, NULL), PARSE_OK); /* decimal, not octal */
	assert_int_equal(v, 10);
	assert_int_equal(parse_u32("0x00000000000001", &v, NULL), PARSE_OK);
	assert_int_equal(v, 1);
}

static void test_u32_bad(void **state)
{
	(void)state;
	uint32_t v = 77;
	const char *bad = NULL;
	assert_int_equal(parse_u32("", &v, NULL), PARSE_EMPTY);
	assert_int_equal(parse_u32("0x", &v, NULL), PARSE_EMPTY);
	assert_int_equal(parse_u32("-1", &v, NULL), PARSE_NEGATIVE);
	assert_int_equal(parse_u32("12abc", &v, &bad), PARSE_BAD_DIGIT);
	assert_int_equal(*bad, 'a');
	assert_int_equal(parse_u32("0x12g", &v, &bad), PARSE_BAD_DIGIT);
	assert_int_equal(*bad, 'g');
	assert_int_equal(parse_u32("ff", &v, &bad), PARSE_BAD_DIGIT); /* hex needs 0x */
	assert_int_equal(parse_u32("+5", &v, &bad), PARSE_BAD_DIGIT);
	assert_int_equal(parse_u32("4294967296", &v, NULL), PARSE_OVERFLOW);
	assert_int_equal(parse_u32("0x100000000", &v, NULL), PARSE_OVERFLOW);
	assert_int_equal(parse_u32("99999999999999999999", &v, NULL), PARSE_OVERFLOW);
	assert_int_equal(v, 77); /* untouched on error */
}

static void test_arg_messages(void **state)
{
	(void)state;
	uint32_t v = 0;
	assert_true(parse_arg_u32("n", "16", 1, 1024, &v));
	assert_int_equal(v, 16);
	assert_int_equal(printed_len, 0);

	assert_false(parse_arg_u32("n", "2000", 1, 1024, &v));
	assert_string_equal(printed, "error: n 2000 out of range: must be 0x1-0x400 (1-1024)\n");
	reset(NULL);
	assert_false(parse_arg_u32("n", "0", 1, 1024, &v));
	assert_non_null(strstr(printed, "out of range"));
	reset(NULL);
	assert_false(parse_arg_u32("addr", "zz", 0, 0xFFFFFFFF, &v));
	assert_string_equal(
		printed,
		"error: addr 'zz': not a number (bad character 'z'; use decimal or 0x hex)\n");
	reset(NULL);
	assert_false(parse_arg_u32("addr", "0x1ffffffff", 0, 0xFFFFFFFF, &v));
	assert_string_equal(printed, "error: addr '0x1ffffffff': does not fit in 32 bits\n");
	reset(NULL);
	assert_false(parse_arg_u32("size", "-4", 0, 100, &v));
	assert_string_equal(printed, "error: size '-4': negative numbers are not allowed\n");
	assert_int_equal(v, 16);
}

/* --- dispatcher --------------------------------------------------------------------------- */

static int calls;
static int last_argc;
static char last_arg1[32];

static int run_echo(int argc, char **argv)
{
	calls++;
	last_argc = argc;
	snprintf(last_arg1, sizeof last_arg1, "%s", argc > 1 ? argv[1] : "");
	return 0;
}

static int run_fail(int argc, char **argv)
{
	(void)argc;
	calls++;
	mon_printf("error: %s: it failed\n", argv[0]);
	return -1;
}

static const struct mon_cmd test_cmds_a[] = {
	{ "echo", "<word> [word]", "repeat", 1, 2, run_echo },
	{ "none", "", "takes nothing", 0, 0, run_echo },
};
static const struct mon_cmd test_cmds_b[] = {
	{ "fail", "[x]", "always fails", 0, 1, run_fail },
};
static const struct mon_cmd_group test_group_a = { "first", test_cmds_a,
						   MON_ARRAY_SIZE(test_cmds_a) };
static const struct mon_cmd_group test_group_b = { "second", test_cmds_b,
						   MON_ARRAY_SIZE(test_cmds_b) };
static const struct mon_cmd_group *const test_groups[] = { &test_group_a, &test_group_b };
#define NGROUPS MON_ARRAY_SIZE(test_groups)

static enum mon_result dispatch(const char *text)
{
	char line[256];
	snprintf(line, sizeof line, "%s", text);
	return mon_dispatch(test_groups, NGROUPS, line);
}

static void test_dispatch_runs_command(void **state)
{
	(void)state;
	calls = 0;
	assert_int_equal(dispatch("  echo   hello  "), MON_OK);
	assert_int_equal(calls, 1);
	assert_int_equal(last_argc, 2);
	assert_string_equal(last_arg1, "hello");
	assert_int_equal(dispatch("none"), MON_OK);
	assert_int_equal(calls, 2);
	assert_int_equal(dispatch("fail"), MON_FAILED);
	assert_int_equal(calls, 3);
	assert_string_equal(printed, "error: fail: it failed\n");
}

static void test_dispatch_empty_and_unknown(void **state)
{
	(void)state;
	calls = 0;
	assert_int_equal(dispatch(""), MON_EMPTY);
	assert_int_equal(dispatch("   \t"), MON_EMPTY);
	assert_int_equal(printed_len, 0);
	assert_int_equal(dispatch("ech"), MON_UNKNOWN); /* no prefix matching */
	assert_string_equal(printed, "error: unknown command 'ech' (type help for the list)\n");
	reset(NULL);
	assert_int_equal(dispatch("ECHO x"), MON_UNKNOWN); /* case matters */
	assert_int_equal(calls, 0);
}

static void test_dispatch_checks_arg_count(void **state)
{
	(void)state;
	calls = 0;
	assert_int_equal(dispatch("echo"), MON_BAD_USAGE);
	assert_string_equal(printed, "error: echo: missing argument\nusage: echo <word> [word]\n");
	reset(NULL);
	assert_int_equal(dispatch("echo a b c"), MON_BAD_USAGE);
	assert_string_equal(printed,
			    "error: echo: too many arguments\nusage: echo <word> [word]\n");
	reset(NULL);
	assert_int_equal(dispatch("none x"), MON_BAD_USAGE);
	assert_string_equal(printed, "error: none: too many arguments\nusage: none\n");
	reset(NULL);
	assert_int_equal(dispatch("echo 1 2 3 4 5 6 7 8 9"), MON_BAD_USAGE);
	assert_string_equal(printed, "error: too many words on the line (at most 8)\n");
	assert_int_equal(calls, 0);
}

static void test_help_lists_every_command(void **state)
{
	(void)state;
	mon_print_help(test_groups, NGROUPS);
	assert_non_null(strstr(printed, "first:\n"));
	assert_non_null(strstr(printed, "second:\n"));
	assert_non_null(strstr(printed, "  echo <word> [word]             repeat\n"));
	assert_non_null(strstr(printed, "  none                           takes nothing\n"));
	assert_non_null(strstr(printed, "  fail [x]                       always fails\n"));
	assert_ptr_equal(mon_find(test_groups, NGROUPS, "fail"), &test_cmds_b[0]);
	assert_null(mon_find(test_groups, NGROUPS, "nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_words, reset),
		cmocka_unit_test_setup(test_take_last, reset),
		cmocka_unit_test_setup(test_u32_good, reset),
		cmocka_unit_test_setup(test_u32_bad, reset),
		cmocka_unit_test_setup(test_arg_messages, reset),
		cmocka_unit_test_setup(test_dispatch_runs_command, reset),
		cmocka_unit_test_setup(test_dispatch_empty_and_unknown, reset),
		cmocka_unit_test_setup(test_dispatch_checks_arg_count, reset),
		cmocka_unit_test_setup(test_help_lists_every_command, reset),
	};
	return cmocka_run_group_tests_name("monitor parser and dispatcher", tests, NULL, NULL);
}
