/*
 * line.c - the monitor's line editor (see line.h for the keys it understands).
 *
 * One byte at a time, so it can be fed straight from the input drivers' buffers without a
 * terminal library. The history is a ring of LINE_HISTORY lines; recalling one replaces the
 * line being typed, erasing it on screen first with BS SPACE BS per character (what a VT100 and
 * our VGA console both understand).
 */
#include "kernel/monitor/line.h"
#include "kernel/lib/string.h"

static void line_echo(struct line_editor *ed, const char *s, size_t n)
{
	if (ed->echo && n)
		ed->echo(s, n);
}

static void line_erase_shown(struct line_editor *ed)
{
	while (ed->len) {
		line_echo(ed, "\b \b", 3);
		ed->len--;
	}
}

static void line_copy(char *dst, const char *src)
{
	size_t i = 0;
	for (; i < LINE_MAX - 1 && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

void line_init(struct line_editor *ed, line_echo_fn echo)
{
	ed->hist_count = 0;
	ed->hist_head = 0;
	ed->echo = echo;
	ed->last_cr = false;
	line_start(ed);
}

void line_start(struct line_editor *ed)
{
	ed->len = 0;
	ed->buf[0] = '\0';
	ed->truncated = false;
	ed->esc = 0;
	ed->hist_back = 0;
}

const char *line_text(const struct line_editor *ed)
{
	return ed->buf;
}

bool line_truncated(const struct line_editor *ed)
{
	return ed->truncated;
}

const char *line_history(const struct line_editor *ed, unsigned k)
{
	if (k == 0 || k > ed->hist_count)
		return NULL;
	return ed->hist[(ed->hist_head + LINE_HISTORY - k) % LINE_HISTORY];
}

/* Remember a finished line, unless it is empty or repeats the newest entry. */
static void line_remember(struct line_editor *ed)
{
	const char *newest = line_history(ed, 1);
	if (ed->len == 0 || ed->truncated || (newest && strcmp(newest, ed->buf) == 0))
		return;
	line_copy(ed->hist[ed->hist_head], ed->buf);
	ed->hist_head = (ed->hist_head + 1) % LINE_HISTORY;
	if (ed->hist_count < LINE_HISTORY)
		ed->hist_count++;
}

/* Show history entry k (0: an empty fresh line) in place of what is typed. */
static void line_recall(struct line_editor *ed, unsigned k)
{
	const char *src = k ? line_history(ed, k) : "";
	if (!src)
		return;
	line_erase_shown(ed);
	line_copy(ed->buf, src);
	ed->len = strlen(ed->buf);
	ed->truncated = false;
	ed->hist_back = k;
	line_echo(ed, ed->buf, ed->len);
}

static void line_escape(struct line_editor *ed, char c)
{
	if (ed->esc == 1) {
		ed->esc = (c == '[') ? 2 : 0;
		return;
	}
	ed->esc = 0;
	if (c == 'A' && ed->hist_back < ed->hist_count)
		line_recall(ed, ed->hist_back + 1);
	else if (c == 'B' && ed->hist_back > 0)
		line_recall(ed, ed->hist_back - 1);
	/* Other sequences (cursor left/right, function keys) are ignored. */
}

enum line_status line_feed(struct line_editor *ed, char c)
{
	bool after_cr = ed->last_cr;
	ed->last_cr = (c == '\r');

	if (ed->esc) {
		line_escape(ed, c);
		return LINE_EDITING;
	}
	switch (c) {
	case '\n':
		if (after_cr)
			return LINE_EDITING; /* the LF of a CR LF pair */
					     /* fall through */
	case '\r':
		ed->buf[ed->len] = '\0';
		line_echo(ed, "\n", 1);
		line_remember(ed);
		return LINE_DONE;
	case LINE_BS:
	case LINE_DEL:
		if (ed->len) {
			ed->len--;
			ed->buf[ed->len] = '\0';
			line_echo(ed, "\b \b", 3);
		}
		return LINE_EDITING;
	case LINE_CTRL_U:
		line_erase_shown(ed);
		ed->buf[0] = '\0';
		ed->truncated = false;
		return LINE_EDITING;
	case LINE_CTRL_C:
		line_echo(ed, "^C\n", 3);
		ed->len = 0;
		ed->buf[0] = '\0';
		ed->truncated = false;
		return LINE_DONE;
	case LINE_ESC:
		ed->esc = 1;
		return LINE_EDITING;
	default:
		break;
	}
	if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7E)
		return LINE_EDITING; /* other control bytes and non-ASCII: ignored */
	if (ed->len >= LINE_MAX - 1) {
		ed->truncated = true;
		return LINE_EDITING;
	}
	ed->buf[ed->len++] = c;
	ed->buf[ed->len] = '\0';
	line_echo(ed, &c, 1);
	return LINE_EDITING;
}
