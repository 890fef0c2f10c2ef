# tests/lib.sh - shared helpers for the TAP test scripts in tests/t/ (sourced, not run).
#
# Every tests/t/*.t script prints TAP on stdout; `make test` runs them all with prove.
# Conventions:
#   - one `ok`/`not ok` line per check; a check that boots an emulator may print the kernel's
#     own TAP (read from its serial log) indented by four spaces, as a TAP subtest, before it;
#   - artefacts go under $BUILD/t/<script name>/, never elsewhere, so scripts run in parallel;
#   - a check can fail: assert on what the code printed or did, never on what the script assumed.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
QEMU=${QEMU:-qemu-system-i386}
T_NAME=$(basename "$0" .t)
T_DIR="$BUILD/t/$T_NAME"
mkdir -p "$T_DIR"
T_COUNT=0
T_FAILED=0

tap_plan() { echo "1..$1"; }
# tap_check DESCRIPTION COMMAND...: runs the command, ok when it exits 0.
tap_check() {
	local desc=$1; shift
	T_COUNT=$((T_COUNT + 1))
	if "$@"; then echo "ok $T_COUNT - $desc"
	else echo "not ok $T_COUNT - $desc"; T_FAILED=$((T_FAILED + 1)); fi
}
tap_ok()   { T_COUNT=$((T_COUNT + 1)); echo "ok $T_COUNT - $1"; }
tap_fail() { T_COUNT=$((T_COUNT + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_COUNT - $1"; }
tap_diag() { sed 's/^/# /'; }
tap_done() { [ "$T_COUNT" -gt 0 ] || { echo "1..0 # no checks ran"; exit 1; }; exit 0; }

# make_image OUT KERNEL CMDLINE: build a disk image through the project's own recipe.
make_image() {
	make -s -C "$ROOT" image IMAGE="$1" KERNEL="$2" CMDLINE="$3" >"$1.make.log" 2>&1
}

# qemu_run LOG TIMEOUT QEMU-ARGS...: run QEMU headless with the serial console in LOG and
# isa-debug-exit on port 0xf4; echo the exit status (124 when the timeout killed it).
qemu_run() {
	local log=$1 secs=$2; shift 2
	local rc=0
	timeout --foreground -k 5 "$secs" "$QEMU" -display none -no-reboot -monitor none \
		-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" \
		</dev/null >"$log.stdout" 2>&1 || rc=$?
	echo "$rc"
}

# qemu_boot_image LOG TIMEOUT IMAGE MEM [EXTRA...]: boot a raw disk image from IDE.
qemu_boot_image() {
	local log=$1 secs=$2 img=$3 mem=$4; shift 4
	qemu_run "$log" "$secs" -m "$mem" -drive "file=$img,format=raw,if=ide" "$@"
}

# qemu_to_prompt LOG SOCK QEMU-ARGS...: start QEMU in the background (serial console in LOG, its
# monitor on the Unix socket SOCK), wait until our kernel's monitor prompt appears in LOG (60 s at
# most, or until QEMU ends). QEMU_PID is its pid; the caller sends `quit` or kills it.
qemu_to_prompt() {
	local log=$1 sock=$2 i; shift 2
	rm -f "$log" "$sock"
	timeout -k 5 120 "$QEMU" -display none -no-reboot -serial file:"$log" \
		-monitor unix:"$sock",server,nowait "$@" </dev/null >"$log.stdout" 2>&1 &
	QEMU_PID=$!
	for ((i = 0; i < 600; i++)); do
		grep -q '^mon> ' "$log" 2>/dev/null && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# kernel_tap LOG: the kernel's TAP lines from a serial log, indented as a subtest.
kernel_tap() {
	grep -a -E '^(ok|not ok|1\.\.|#|TAP version)' "$1" | sed 's/^/    /'
}

# cmocka_check DESCRIPTION BINARY [ERE]: run a cmocka test binary with TAP output, show its TAP as
# a subtest (other output as comments), and pass only when it exited 0 (cmocka's status is the
# number of failed tests; a sanitizer report also makes it non-zero), printed a plan of at least
# one test and no `not ok`, and, when ERE is given, printed a line matching it.
cmocka_check() {
	local desc=$1 bin=$2 want=${3:-}
	local log="$T_DIR/$(basename "$bin").tap"
	if [ ! -x "$bin" ]; then
		tap_fail "$desc: $bin not built (make test-prereqs)"
		return
	fi
	local rc=0
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1 || rc=$?
	sed -E '/^(ok|not ok|1\.\.|#)/!s/^/# /; s/^/    /' "$log"
	if [ "$rc" -eq 0 ] && grep -q '^1\.\.[1-9]' "$log" && ! grep -q '^not ok' "$log" &&
		{ [ -z "$want" ] || grep -E -q "$want" "$log"; }; then
		tap_ok "$desc"
	else
		tap_fail "$desc (exit $rc; output in $log)"
	fi
}

# bochs_boot NAME KERNEL CMDLINE DONE-REGEX WATCH(com1|out) [MAKE VARS...]: build an image of
# KERNEL with CMDLINE through the project's recipe, boot it in Bochs headless (a copy of ./bochsrc
# with the image, COM1 and log paths changed; rfb display with timeout=0; tests/boot/bochs-run.rc
# continues at once) and stop Bochs when DONE-REGEX appears in the watched output or after 120 s
# (Bochs has no isa-debug-exit). COM1 lands in $T_DIR/NAME.com1, port 0xE9 and the debugger in
# $T_DIR/NAME.out, Bochs's log in $T_DIR/NAME.bochs.log.
bochs_boot() { # NAME KERNEL CMDLINE DONE-REGEX WATCH(com1|out) [MAKE VARS] -> $T_DIR/NAME.com1, .out
	local name=$1 kernel=$2 cmdline=$3 done=$4 watch="$T_DIR/$1.$5" img="$T_DIR/$1.img" pid i
	shift 5
	make -s -C "$ROOT" image IMAGE="$img" KERNEL="$kernel" CMDLINE="$cmdline" "$@" >"$img.make.log" 2>&1 \
		|| tail -n 5 "$img.make.log" | tap_diag
	rm -f "$T_DIR/$name.com1" "$img.lock"   # a killed Bochs leaves its image lock behind
	sed -e "s|^ata0-master: .*|ata0-master: type=disk, path=\"$img\", mode=flat|" \
	    -e "s|^com1: .*|com1: enabled=1, mode=file, dev=\"$T_DIR/$name.com1\"|" \
	    -e "s|^log: .*|log: $T_DIR/$name.bochs.log|" "$ROOT/bochsrc" > "$T_DIR/$name.bochsrc"
	timeout -k 5 120 bochs -q -f "$T_DIR/$name.bochsrc" -rc "$ROOT/tests/boot/bochs-run.rc" \
		'display_library: rfb, options="timeout=0"' </dev/null >"$T_DIR/$name.out" 2>&1 &
	pid=$!
	for ((i = 0; i < 240; i++)); do
		grep -aqE "$done" "$watch" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.5
	done
	sleep 0.5   # let the last lines of the other output reach their file
	kill $pid 2>/dev/null; wait $pid 2>/dev/null
	rm -f "$img.lock"
}
