/*
 * cmdline.c - the kernel's copy of the command line and word lookups.
 *
 * The Multiboot spec (3.3) leaves the cmdline string anywhere in memory; later steps (PMM,
 * paging) may reuse that memory, so we copy it first thing. Two copies: the text as given (for
 * printing) and a split one where each blank is a NUL, so cmdline_get can return values in place.
 */
#include "kernel/core/cmdline.h"

static char cmdline_raw[CMDLINE_MAX];
static char cmdline_words[CMDLINE_MAX]; /* blanks replaced by NUL */
static size_t cmdline_len;
static bool cmdline_cut;

static bool cmdline_blank(char c)
{
	return c == ' ' || c == '\t';
}

void cmdline_init(const char *loader_cmdline)
{
	size_t i = 0;

	if (loader_cmdline)
		for (; i < CMDLINE_MAX - 1 && loader_cmdline[i]; i++)
			cmdline_raw[i] = loader_cmdline[i];
	cmdline_cut = loader_cmdline && loader_cmdline[i] != '\0';
	cmdline_raw[i] = '\0';
	cmdline_len = i;
	for (i = 0; i <= cmdline_len; i++)
		cmdline_words[i] = cmdline_blank(cmdline_raw[i]) ? '\0' : cmdline_raw[i];
}

const char *cmdline_text(void)
{
	return cmdline_raw;
}

bool cmdline_truncated(void)
{
	return cmdline_cut;
}

/* Calls match on each word; returns the first non-NULL result. */
static const char *cmdline_find(const char *key, bool want_value)
{
	size_t i = 0;

	while (i < cmdline_len) {
		const char *word = &cmdline_words[i];
		size_t k = 0;

		if (*word == '\0') {
			i++;
			continue;
		}
		while (key[k] && word[k] == key[k])
			k++;
		if (key[k] == '\0') {
			if (!want_value && word[k] == '\0')
				return word;
			if (want_value && word[k] == '=')
				return word + k + 1;
		}
		while (i < cmdline_len && cmdline_words[i] != '\0')
			i++;
	}
	return NULL;
}

bool cmdline_has(const char *word)
{
	return cmdline_find(word, false) != NULL;
}

const char *cmdline_get(const char *key)
{
	return cmdline_find(key, true);
}
