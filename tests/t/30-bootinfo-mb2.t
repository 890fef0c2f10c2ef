#!/usr/bin/env bash
# 30-bootinfo-mb2.t - the kernel's Multiboot2 information walk (kernel/core/bootinfo_mb2.c) on the
# host: well-formed information translated into the version 1 structure, and each malformation
# (total_size short, unaligned or unreadable; tags short, past total_size or with unterminated
# strings; bad memory map entries; a wrong or missing end tag) stopped with its named error,
# unknown tags skipped (tests/host/test_bootinfo_mb2.c, cmocka, ASan, UBSan). Its own TAP is shown
# as a subtest.
source "$(dirname "$0")/../lib.sh"

tap_plan 1
cmocka_check "test_bootinfo_mb2 (the Multiboot2 walk and its translation)" \
	"$BUILD/host/kernel/test_bootinfo_mb2" '^ok .* test_tag_short$'
tap_done
