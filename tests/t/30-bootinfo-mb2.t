#!/usr/bin/env bash
# 30-bootinfo-mb2.t - the kernel's Multiboot2 information walk (kernel/core/bootinfo_mb2.c) on the
# host: well-formed information translated into the version 1 structure, and each malformation
# (total_size short, unaligned or unreadable; tags short, past total_size or with unterminated
# strings; bad memory map entries; a wrong or missing end tag) stopped with its named error,
# unknown tags skipped (tests/host/test_bootinfo_mb2.c, cmocka, ASan, UBSan). Its own TAP is shown
# as a subtest. Then a smoke run of the libFuzzer harness (tests/fuzz/fuzz_bootinfo_mb2.c: every
# tag handed over lies inside total_size, the translation's strings and counts agree with the
# walk, no read past the buffer), fixed seed and run count; `make fuzz` runs it longer.
source "$(dirname "$0")/../lib.sh"

tap_plan 2
cmocka_check "test_bootinfo_mb2 (the Multiboot2 walk and its translation)" \
	"$BUILD/host/kernel/test_bootinfo_mb2" '^ok .* test_tag_short$'

bin="$BUILD/fuzz/fuzz_bootinfo_mb2" runs=100000
corpus="$T_DIR/corpus" log="$T_DIR/fuzz.log"
rm -rf "$corpus" && mkdir -p "$corpus"
if [ ! -x "$bin" ]; then
	tap_fail "fuzz_bootinfo_mb2: $bin not built"
elif (cd "$T_DIR" && "$bin" -seed=1 -runs=$runs "$corpus" >"$log" 2>&1) &&
	grep -aqE '^fuzz_bootinfo_mb2: [1-9][0-9]* walks reached the end tag$' "$log"; then
	tap_ok "fuzz_bootinfo_mb2: $runs runs, no crash ($(grep -a -o 'cov: [0-9]*' "$log" | tail -n1); $(grep -a -o '[0-9]* walks reached the end tag' "$log"))"
else
	tap_fail "fuzz_bootinfo_mb2: crashed or never reached an end tag (see $log)"
	tail -n 40 "$log" | tap_diag
fi
tap_done
