/*
 * parse.c - the monitor's tokenizer and number parser (see parse.h).
 *
 * No strtoul in a freestanding kernel, and strtoul's habits (silently accepting "12abc",
 * wrapping "-1" to 0xFFFFFFFF, octal for a leading 0) are exactly what a memory poker must not
 * do: here every character is checked and overflow is caught before it happens.
 */
#include <stddef.h>

#include "kernel/monitor/parse.h"
#include "kernel/lib/string.h"
#include "kernel/monitor/out.h"

static bool parse_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int parse_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (parse_is_blank(*p))
			*p++ = '\0';
		if (!*p)
			return argc;
		if (argc == max)
			return -1;
		argv[argc++] = p;
		while (*p && !parse_is_blank(*p))
			p++;
	}
}

static int parse_digit(char c, unsigned base)
{
	int d;
	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

enum parse_error parse_u32(const char *s, uint32_t *out, const char **bad)
{
	unsigned base = 10;
	uint32_t v = 0;

	if (*s == '-')
		return PARSE_NEGATIVE;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return PARSE_EMPTY;
	for (; *s; s++) {
		int d = parse_digit(*s, base);
		if (d < 0) {
			if (bad)
				*bad = s;
			return PARSE_BAD_DIGIT;
		}
		if (v > (UINT32_MAX - (uint32_t)d) / base)
			return PARSE_OVERFLOW;
		v = v * base + (uint32_t)d;
	}
	*out = v;
	return PARSE_OK;
}

const char *parse_error_text(enum parse_error e)
{
	switch (e) {
	case PARSE_OK:
		return "ok";
	case PARSE_EMPTY:
		return "no digits";
	case PARSE_NEGATIVE:
		return "negative numbers are not allowed";
	case PARSE_BAD_DIGIT:
		return "not a number";
	case PARSE_OVERFLOW:
		return "does not fit in 32 bits";
	}
	return "?";
}

bool parse_arg_u32(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	const char *bad = s;
	uint32_t v = 0;
	enum parse_error e = parse_u32(s, &v, &bad);

	if (e == PARSE_BAD_DIGIT) {
		mon_printf("error: %s '%s': not a number "
			   "(bad character '%c'; use decimal or 0x hex)\n",
			   what, s, *bad);
		return false;
	}
	if (e != PARSE_OK) {
		mon_printf("error: %s '%s': %s\n", what, s, parse_error_text(e));
		return false;
	}
	if (v < min || v > max) {
		mon_printf("error: %s %s out of range: must be 0x%x-0x%x (%u-%u)\n", what, s,
			   (unsigned)min, (unsigned)max, (unsigned)min, (unsigned)max);
		return false;
	}
	*out = v;
	return true;
}

bool parse_take_last(int *argc, char **argv, const char *word)
{
	if (*argc < 2)
		return false;
	if (strcmp(argv[*argc - 1], word) != 0)
		return false;
	argv[--*argc] = NULL;
	return true;
}
