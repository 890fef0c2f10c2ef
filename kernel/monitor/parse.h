/*
 * parse.h - splitting a monitor line into words and reading numbers with range checks.
 *
 * Plain C (host-tested by tests/host/test_monitor_parse.c). Numbers are unsigned 32-bit: decimal
 * ("4096") or hexadecimal with a 0x prefix ("0x1000"). Anything else - a sign, a stray letter,
 * an empty string, a value above 0xFFFFFFFF - is an error with its own message.
 */
#ifndef KERNEL_MONITOR_PARSE_H
#define KERNEL_MONITOR_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#define MON_MAX_ARGS 8 /* words on a line, the command name included */

/* Split line in place at blanks (space, tab); argv gets at most max words. Returns the word
 * count, or -1 when the line has more than max words. */
int parse_words(char *line, char **argv, int max);

enum parse_error {
	PARSE_OK = 0,
	PARSE_EMPTY,     /* "" or a bare "0x" */
	PARSE_NEGATIVE,  /* a leading '-' */
	PARSE_BAD_DIGIT, /* a character that is not a digit of the base */
	PARSE_OVERFLOW,  /* more than 32 bits */
};

/* Parse s as a u32; on PARSE_BAD_DIGIT *bad (if not NULL) points at the offending character. */
enum parse_error parse_u32(const char *s, uint32_t *out, const char **bad);
const char *parse_error_text(enum parse_error e);

/* Parse the argument called what (for the message) and check min <= value <= max. Prints
 * "error: <what> '<s>': <reason>" and returns false when it is not acceptable. */
bool parse_arg_u32(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* When the last of argc words is exactly word (e.g. "force"), drop it and return true. */
bool parse_take_last(int *argc, char **argv, const char *word);

#endif
