#!/usr/bin/env bash
# 01-cppcheck.t - static analysis of every C file in the project with cppcheck.
# One check per source folder; cppcheck's findings (warning, portability, performance classes)
# fail the check and are printed as TAP diagnostics.
source "$(dirname "$0")/../lib.sh"

dirs=()
for d in kernel mm tests/kernel tests/host bench; do
	[ -n "$(find "$ROOT/$d" -name '*.c' 2>/dev/null | head -n1)" ] && dirs+=("$d")
done
tap_plan "${#dirs[@]}"
for d in "${dirs[@]}"; do
	out="$T_DIR/$(echo "$d" | tr / _).txt"
	# -D__i386__ for the kernel view; the host views are covered by the compilers' own -Werror.
	if (cd "$ROOT" && cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
		--enable=warning,portability,performance --suppress=missingIncludeSystem \
		-D__GNUC__ -I include -I . "$d" >"$out" 2>&1); then
		tap_ok "cppcheck $d"
	else
		tap_fail "cppcheck $d"; tap_diag <"$out"
	fi
done
tap_done
