#!/usr/bin/env bash
# 19-boot-crc32-host.t - the loader's CRC-32 code on the host, against zlib.
#
# build/host/crc32/crc32_host runs boot/crc32_update.inc, assembled as it is (nasm -f elf32, a
# 32-bit Linux program), on cases this script makes from one random file; Python's zlib.crc32
# gives the expected values. Each case places its bytes so that they end 0-15 bytes before an
# inaccessible page (a read past the end faults) and feeds them in 1-4 pieces, as the loader
# feeds a kernel through its buffers. The cases: every length 0-300 in one piece, then 400
# random lengths up to 200 KiB with random pieces, and the loader's own pieces (an 8 KiB head,
# then 127-sector reads).
#   1-2. the tables (11-bit fields), then the PCLMULQDQ folding (skipped when this CPU lacks it),
#        over all the cases;
#   3.   the tables' copying loop (crc_copy32, what the loader runs when it copies a piece up):
#        the same values, and every byte copied to a destination that ends before an
#        inaccessible page, nothing written around it;
#   4.   the same PCLMULQDQ run with one bit of one folding constant flipped (the glue and the
#        program built again in this script's directory) gives wrong values: the folding really
#        ran, and this test sees a wrong constant;
#   5.   tools/crc32_fold.py refuses to write constants for a polynomial that is not zlib's
#        (CRC-32C's): its check against zlib can fail, and stops the build when it does.
source "$(dirname "$0")/../lib.sh"

HOST="$BUILD/host/crc32/crc32_host"
tap_plan 5
data="$T_DIR/data.bin"
cases="$T_DIR/cases.txt"
head -c 1048576 /dev/urandom > "$data"
python3 - "$data" "$cases" <<'PY'
import random, sys
size = len(open(sys.argv[1], 'rb').read())
rng = random.Random()
out = []
def case(n, cuts):
    off = rng.randrange(size - n + 1)
    out.append((off, n, rng.randrange(16), sorted(cuts)))
for n in range(301):
    case(n, [])
for _ in range(400):
    n = rng.randrange(200 * 1024)
    case(n, [rng.randrange(n + 1) for _ in range(rng.randrange(4))])
for n in (8192 + 65024 * 3 + 777, 8192 + 1, 65024 + 8192 - 5):
    case(n, list(range(8192, n, 65024)))
with open(sys.argv[2], 'w') as f:
    for off, n, pad, cuts in out:
        f.write('%d %d %d %s\n' % (off, n, pad, ' '.join(map(str, cuts))))
PY

compare() { # OUT: 0 when every result equals zlib.crc32 of its case
	python3 - "$data" "$cases" "$1" <<'PY'
import sys, zlib
data = open(sys.argv[1], 'rb').read()
cases = [l.split() for l in open(sys.argv[2])]
got = open(sys.argv[3]).read().split()
bad = 0
for c, g in zip(cases, got):
    off, n = int(c[0]), int(c[1])
    want = '%08x' % zlib.crc32(data[off:off + n])
    if g != want:
        bad += 1
        if bad <= 5:
            print('# %d bytes, pieces at %s, pad %s: %s, zlib %s' % (n, c[3:] or '-', c[2], g, want))
if len(got) != len(cases):
    print('# %d results for %d cases' % (len(got), len(cases)))
    bad += 1
print('# %d cases, %d wrong' % (len(cases), bad))
sys.exit(1 if bad else 0)
PY
}
run_path() { # DESCRIPTION PATH(0 tables, 1 pclmul, 2 tables while copying) [PROGRAM]
	local desc=$1 path=$2 host=${3:-$HOST} out="$T_DIR/out.$2"
	if [ ! -x "$host" ]; then tap_fail "$desc: $host not built (make test-prereqs)"; return; fi
	awk -v p="$path" '{ $4 = p " " $4; print }' "$cases" | "$host" "$data" > "$out" 2> "$out.err"
	local rc=$?
	if compare "$out" && [ "$rc" = 0 ]; then tap_ok "$desc: $(wc -l < "$cases") cases equal zlib.crc32"
	else tap_fail "$desc (exit $rc)"; tap_diag < "$out.err"; fi
}
run_path "tables of 11-bit fields" 0
run_path "tables while copying (crc_copy32), copies equal" 2
if "$HOST" --has-pclmul; then
	run_path "PCLMULQDQ folding" 1
	mkdir -p "$T_DIR/inc"
	python3 -c 'import re, sys; t = open(sys.argv[1]).read(); sys.stdout.write(re.sub(r"(CRC_FOLD512_LO\s+equ\s+)(0x\w+)", lambda m: m.group(1) + hex(int(m.group(2), 16) ^ 0x100), t))' \
		"$BUILD/inc/crc32_fold.inc" > "$T_DIR/inc/crc32_fold.inc"
	bad="$T_DIR/crc32_host_bad"
	if nasm -Werror -I"$T_DIR/inc/" -I"$BUILD/inc/" -I"$ROOT/boot/" -f elf32 -o "$bad.o" "$ROOT/tests/host/crc32_glue.asm" &&
		gcc -m32 -no-pie -I"$ROOT" -Wl,-z,noexecstack -o "$bad" "$ROOT/tests/host/crc32_host.c" "$bad.o"; then
		awk '{ $4 = "1 " $4; print }' "$cases" | "$bad" "$data" > "$T_DIR/out.bad" 2>&1
		if compare "$T_DIR/out.bad" > "$T_DIR/out.bad.cmp"; then
			tap_fail "a flipped bit in CRC_FOLD512_LO went unnoticed"
		else
			tap_ok "one bit flipped in CRC_FOLD512_LO: wrong values ($(tail -n 1 "$T_DIR/out.bad.cmp" | tr -d '#'))"
		fi
	else
		tap_fail "could not build the program with a flipped constant"
	fi
else
	tap_ok "PCLMULQDQ folding # SKIP this CPU has no PCLMULQDQ"
	tap_ok "a flipped constant # SKIP this CPU has no PCLMULQDQ"
fi

sed 's/^#define CRC32_POLY_REFLECTED .*/#define CRC32_POLY_REFLECTED 0x82F63B78/' "$ROOT/include/crc32.h" > "$T_DIR/crc32c.h"
rm -f "$T_DIR/crc32c.inc"
if python3 "$ROOT/tools/crc32_fold.py" "$T_DIR/crc32c.h" "$T_DIR/crc32c.inc" 2> "$T_DIR/crc32c.err"; then
	tap_fail "crc32_fold.py wrote constants for CRC-32C's polynomial"
elif grep -q 'zlib' "$T_DIR/crc32c.err" && [ ! -e "$T_DIR/crc32c.inc" ]; then
	tap_ok "crc32_fold.py refuses a polynomial that is not zlib's: $(head -n 1 "$T_DIR/crc32c.err")"
else
	tap_fail "crc32_fold.py failed without its message, or left a file"; tap_diag < "$T_DIR/crc32c.err"
fi
tap_done
