#!/usr/bin/env bash
# 19-boot-fuzz.t - the loader fuzz test: 200 mutated probe kernels (tests/boot/fuzz_loader.py,
# fixed seed 1, so every run boots the same kernels; every third one the Multiboot2 probe with a
# mutated Multiboot2 header), each booted briefly in QEMU (two at a time).
# Every one must boot or end at a named loader error with QEMU still running (halted); a hang or
# a reset fails, and so does any disagreement with the script's model of what must be refused
# (the script's header lists the rules), and any disagreement of tools/mbcheck.py (the host check
# `make image` runs) with stage 2. The counts per outcome are printed; `make fuzz-loader` runs the
# same harness with new seeds for longer.
source "$(dirname "$0")/../lib.sh"

tap_plan 2
out="$T_DIR/fuzz"
rm -rf "$out"
python3 "$ROOT/tests/boot/fuzz_loader.py" --build "$BUILD" --seed 1 --count 200 --jobs 2 --out "$out" \
	--checker "$ROOT/tools/mbcheck.py" \
	>"$T_DIR/fuzz.log" 2>&1
rc=$?
summary=$(grep -m1 '^fuzz_loader: seed' "$T_DIR/fuzz.log")
if [ $rc = 0 ] && grep -q '^fuzz_loader: 200 passed, 0 failed$' "$T_DIR/fuzz.log"; then
	tap_ok "200 mutated kernels: each booted or was refused by name as the model and mbcheck.py say (${summary#fuzz_loader: })"
else
	tap_fail "loader fuzz: status $rc (${summary#fuzz_loader: })"; grep -v '^fuzz_loader' "$T_DIR/fuzz.log" | head -n 30 | tap_diag
fi
# The mutations must reach every outcome, or the test checks less than it says.
if [[ $summary == *"booted "* && $summary == *"refused "* && $summary == *"kernel-failed "* ]]; then
	tap_ok "the mutations reach all three outcomes (booted, refused, the mutated kernel itself failed)"
else
	tap_fail "the mutations do not reach every outcome: $summary"
fi
tap_done
