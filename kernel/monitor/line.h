/*
 * line.h - the monitor's line editor: turns a stream of typed bytes into complete lines.
 *
 * Plain C with no kernel dependency, so tests/host/test_monitor_line.c runs it on the host.
 * Both input devices deliver the same bytes (the PS/2 driver translates its arrow keys into the
 * ANSI sequences a serial terminal sends), so the editor knows one keyboard:
 *   printable ASCII  inserted at the end of the line and echoed
 *   BS (0x08), DEL   delete the last character (echo "\b \b", as a VT100 erases)
 *   Ctrl-U           erase the whole line
 *   Ctrl-C           abandon the line (echo "^C"), deliver it empty
 *   CR, LF, CR LF    end the line (a LF right after a CR is swallowed)
 *   ESC [ A / ESC [ B  previous / next line of the history (ECMA-48 cursor up/down)
 * A line longer than LINE_MAX - 1 characters is truncated: the extra characters are dropped (not
 * echoed) and line_truncated() tells the caller, which refuses to run it.
 */
#ifndef KERNEL_MONITOR_LINE_H
#define KERNEL_MONITOR_LINE_H

#include <stdbool.h>
#include <stddef.h>

#define LINE_MAX     128 /* bytes of a line including its NUL: 127 characters */
#define LINE_HISTORY 16  /* lines remembered for ESC [ A */

#define LINE_CTRL_C 0x03
#define LINE_BS     0x08
#define LINE_CTRL_U 0x15
#define LINE_ESC    0x1B
#define LINE_DEL    0x7F

/* Where the editor's echo goes (n bytes of s, not NUL-terminated). */
typedef void (*line_echo_fn)(const char *s, size_t n);

struct line_editor {
	char buf[LINE_MAX];
	size_t len;
	bool truncated; /* characters were dropped from the current line */
	bool last_cr;   /* the previous byte was CR: swallow a LF that follows */
	int esc;        /* 0: normal, 1: after ESC, 2: after ESC [ */
	char hist[LINE_HISTORY][LINE_MAX];
	unsigned hist_count; /* lines stored (at most LINE_HISTORY) */
	unsigned hist_head;  /* slot the next line goes to */
	unsigned hist_back;  /* 0: editing a fresh line; k: showing the k-th most recent */
	line_echo_fn echo;
};

enum line_status { LINE_EDITING, LINE_DONE };

void line_init(struct line_editor *ed, line_echo_fn echo);
/* Feed one byte; LINE_DONE when it ended a line (then read line_text, then line_start). */
enum line_status line_feed(struct line_editor *ed, char c);
/* The finished line (NUL-terminated, without the line end). */
const char *line_text(const struct line_editor *ed);
bool line_truncated(const struct line_editor *ed);
/* Begin a new line (after the caller has used the finished one). */
void line_start(struct line_editor *ed);
/* The k-th most recent history line (k = 1 is the newest), or NULL. */
const char *line_history(const struct line_editor *ed, unsigned k);

#endif
