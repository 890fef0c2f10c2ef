#!/usr/bin/env bash
# 02-clang-format.t - the C sources are in the house style that .clang-format describes.
#
#   1. `make format-check` passes: every .c/.h file under FORMAT_DIRS (mk/tools.mk) is exactly
#      what clang-format makes of it;
#   2. the check can fail and the formatter is the reference: kernel/core/main.c with the
#      indentation of its code lines removed fails the same check, and clang-format turns it back
#      into the file.
source "$(dirname "$0")/../lib.sh"
tap_plan 2
CLANG_FORMAT=clang-format-14
if ! command -v "$CLANG_FORMAT" >/dev/null; then
	for i in 1 2; do tap_fail "$CLANG_FORMAT missing (tools/deps.sh format)"; done
	tap_done
fi

out="$T_DIR/format-check.log"
if make -s -C "$ROOT" --no-print-directory format-check >"$out" 2>&1; then
	tap_ok "$(tail -n1 "$out")"
else
	tap_fail "make format-check: files differ from .clang-format (make format rewrites them)"
	head -n 60 "$out" | tap_diag
fi

src="$ROOT/kernel/core/main.c" bad="$T_DIR/main.c"
sed -E '/^\t+ \*/!s/^\t+//' "$src" >"$bad"   # code lines only: comments keep their text
if ! "$CLANG_FORMAT" --style="file:$ROOT/.clang-format" --dry-run -Werror "$bad" >/dev/null 2>&1 &&
	"$CLANG_FORMAT" --style="file:$ROOT/.clang-format" "$bad" | cmp -s - "$src"; then
	tap_ok "main.c without its indentation fails the check; clang-format restores the file"
else
	tap_fail "the unindented copy passed the check, or clang-format did not restore main.c"
	"$CLANG_FORMAT" --style="file:$ROOT/.clang-format" "$bad" | diff "$src" - | head -n 20 | tap_diag
fi
tap_done
