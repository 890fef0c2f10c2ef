/*
 * test_monitor_line.c - host tests (cmocka) of the monitor's line editor, kernel/monitor/line.c.
 *
 * Feeds byte sequences as a serial terminal or the PS/2 driver would send them and checks the
 * finished line, the echo a user would see, truncation of overlong lines and the history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/monitor/line.h"

static char echoed[8192];
static size_t echoed_len;

static void capture_echo(const char *s, size_t n)
{
	assert_true(echoed_len + n < sizeof echoed);
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = '\0';
}

static struct line_editor ed;

static int setup(void **state)
{
	(void)state;
	echoed_len = 0;
	echoed[0] = '\0';
	line_init(&ed, capture_echo);
	return 0;
}

/* Feed every byte of s; return how many LINE_DONE results came back. */
static int feed(const char *s)
{
	int done = 0;
	for (; *s; s++)
		if (line_feed(&ed, *s) == LINE_DONE)
			done++;
	return done;
}

static void test_plain_line(void **state)
{
	(void)state;
	assert_int_equal(feed("help"), 0);
	assert_int_equal(feed("\r"), 1);
	assert_string_equal(line_text(&ed), "help");
	assert_false(line_truncated(&ed));
	assert_string_equal(echoed, "help\n");
}

static void test_crlf_is_one_line_end(void **state)
{
	(void)state;
	assert_int_equal(feed("a\r\n"), 1);
	line_start(&ed);
	assert_int_equal(feed("b\n"), 1);
	assert_string_equal(line_text(&ed), "b");
	line_start(&ed);
	/* An empty line after CR LF is still a line of its own. */
	assert_int_equal(feed("\r\n\r\n"), 2);
}

static void test_backspace_and_delete(void **state)
{
	(void)state;
	feed("hepx\b\x7f"
	     "lp");
	assert_int_equal(feed("\r"), 1);
	assert_string_equal(line_text(&ed), "help");
	assert_string_equal(echoed, "hepx\b \b\b \blp\n");
}

static void test_backspace_on_empty_line_echoes_nothing(void **state)
{
	(void)state;
	feed("\b\b\x7f");
	assert_int_equal(echoed_len, 0);
	feed("x\r");
	assert_string_equal(line_text(&ed), "x");
}

static void test_ctrl_u_and_ctrl_c(void **state)
{
	(void)state;
	feed("abc\x15"
	     "de\r");
	assert_string_equal(line_text(&ed), "de");
	line_start(&ed);
	assert_int_equal(feed("junk\x03"), 1);
	assert_string_equal(line_text(&ed), "");
	assert_non_null(strstr(echoed, "^C\n"));
}

static void test_control_bytes_ignored(void **state)
{
	(void)state;
	feed("a\x01\x02\t\x80\xffz\r");
	assert_string_equal(line_text(&ed), "az");
}

static void test_overlong_line_truncated(void **state)
{
	(void)state;
	for (int i = 0; i < 300; i++)
		assert_int_equal(line_feed(&ed, (char)('a' + i % 26)), LINE_EDITING);
	assert_true(line_truncated(&ed));
	assert_int_equal(line_feed(&ed, '\r'), LINE_DONE);
	assert_int_equal(strlen(line_text(&ed)), LINE_MAX - 1);
	assert_true(line_truncated(&ed));
	/* Only what was kept was echoed, plus the newline. */
	assert_int_equal(echoed_len, LINE_MAX);
	/* A truncated line does not go into the history. */
	assert_null(line_history(&ed, 1));
	line_start(&ed);
	assert_false(line_truncated(&ed));
	/* Backspace after truncation edits the kept part and the line stays marked truncated. */
}

static void test_history_up_down(void **state)
{
	(void)state;
	feed("first\r");
	line_start(&ed);
	feed("second\r");
	line_start(&ed);
	assert_string_equal(line_history(&ed, 1), "second");
	assert_string_equal(line_history(&ed, 2), "first");
	feed("xy");
	feed("\x1b[A");
	assert_string_equal(line_text(&ed), "second");
	feed("\x1b[A");
	assert_string_equal(line_text(&ed), "first");
	feed("\x1b[A"); /* no older line: stays */
	assert_string_equal(line_text(&ed), "first");
	feed("\x1b[B");
	assert_string_equal(line_text(&ed), "second");
	feed("\x1b[B");
	assert_string_equal(line_text(&ed), "");
	feed("\x1b[A"
	     "!\r");
	assert_string_equal(line_text(&ed), "second!");
}

static void test_history_skips_empty_and_repeats_and_wraps(void **state)
{
	(void)state;
	feed("same\r");
	line_start(&ed);
	feed("same\r");
	line_start(&ed);
	feed("\r");
	line_start(&ed);
	assert_string_equal(line_history(&ed, 1), "same");
	assert_null(line_history(&ed, 2));
	char cmd[16];
	for (int i = 0; i < LINE_HISTORY + 5; i++) {
		snprintf(cmd, sizeof cmd, "c%d\r", i);
		feed(cmd);
		line_start(&ed);
	}
	assert_string_equal(line_history(&ed, 1), "c20");
	assert_string_equal(line_history(&ed, LINE_HISTORY), "c5");
	assert_null(line_history(&ed, LINE_HISTORY + 1));
}

static void test_unknown_escape_ignored(void **state)
{
	(void)state;
	feed("ab\x1b[C\x1b[D\x1bOcd\r");
	/* ESC [ C and ESC [ D are swallowed whole; ESC O swallows the O only. */
	assert_string_equal(line_text(&ed), "abcd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain_line, setup),
		cmocka_unit_test_setup(test_crlf_is_one_line_end, setup),
		cmocka_unit_test_setup(test_backspace_and_delete, setup),
		cmocka_unit_test_setup(test_backspace_on_empty_line_echoes_nothing, setup),
		cmocka_unit_test_setup(test_ctrl_u_and_ctrl_c, setup),
		cmocka_unit_test_setup(test_control_bytes_ignored, setup),
		cmocka_unit_test_setup(test_overlong_line_truncated, setup),
		cmocka_unit_test_setup(test_history_up_down, setup),
		cmocka_unit_test_setup(test_history_skips_empty_and_repeats_and_wraps, setup),
		cmocka_unit_test_setup(test_unknown_escape_ignored, setup),
	};
	return cmocka_run_group_tests_name("monitor line editor", tests, NULL, NULL);
}
