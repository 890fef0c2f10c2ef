/*
 * cmdline.c - the kernel's copy of the command line and word lookups.
 *
 * The Multiboot spec (3.3) leaves the cmdline string anywhere in memory; later steps (PMM,
 * paging) may reuse that memory, so we copy it first thing. Two copies: the text as given (for
 * printing) and a split one where each blank is a NUL, so cmdline_get can return values in place.
 *
 * The first word: QEMU's -kernel, GRUB Legacy and our own loader pass "<kernel file name>
 * <arguments>", GRUB 2 passes the arguments alone. Nothing in the Multiboot structure says which,
 * so we decide by the boot_loader_name as Xen does (xen/arch/x86/setup.c, cmdline_cook and
 * loader_is_grub2): the name contains "GRUB " followed by anything but '0' ("GRUB 2.06") means
 * arguments alone; any other name ("GNU GRUB 0.97", "qemu", ours), or none, means a file name
 * comes first, and the lookups skip it (docs/boot.md, "What the kernel receives").
 */
#include "kernel/core/cmdline.h"
#include "kernel/lib/string.h"

static char cmdline_raw[CMDLINE_MAX];
static char cmdline_words[CMDLINE_MAX]; /* blanks replaced by NUL */
static size_t cmdline_len;
static bool cmdline_cut;
static size_t cmdline_args; /* offset of the first argument word in both copies */

static bool cmdline_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool cmdline_loader_names_file(const char *loader_name)
{
	static const char grub[] = "GRUB ";
	const size_t len = sizeof grub - 1;

	if (!loader_name)
		return true;
	for (; *loader_name; loader_name++)
		if (strncmp(loader_name, grub, len) == 0)
			return loader_name[len] == '0';
	return true;
}

void cmdline_init(const char *loader_cmdline, const char *loader_name)
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
	i = 0;
	if (cmdline_loader_names_file(loader_name)) {
		while (i < cmdline_len && cmdline_blank(cmdline_raw[i]))
			i++;
		while (i < cmdline_len && !cmdline_blank(cmdline_raw[i]))
			i++;
	}
	cmdline_args = i;
}

const char *cmdline_text(void)
{
	return cmdline_raw;
}

const char *cmdline_arguments(void)
{
	const char *p = cmdline_raw + cmdline_args;

	while (cmdline_blank(*p))
		p++;
	return p;
}

bool cmdline_truncated(void)
{
	return cmdline_cut;
}

/* Calls match on each word; returns the first non-NULL result. */
static const char *cmdline_find(const char *key, bool want_value)
{
	size_t i = cmdline_args;

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
