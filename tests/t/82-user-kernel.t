#!/usr/bin/env bash
# 82-user-kernel.t - the user test programs (user/tests/*.c, static i386 ELF executables) run
# under our kernel as pid 1 (`init=<program>`, the program a Multiboot module given to QEMU's
# loader with -initrd "<file> <args>"), and what they print compared with the output recorded
# from the same files under Linux (user/tests/<program>.out, checked by 81-user-native.t). Per
# program:
#   1. the program's output (the console lines between `user: starting pid 1` and the frame
#      count, less the kernel's own lines: `user: ...`, exception reports) is the recorded one,
#      pid 1 exited with status 0 and QEMU left with it (isa-debug-exit: status * 2 + 1);
#   2. the PMM's free frame count after every process has ended equals the count before pid 1
#      started, and nothing panicked.
# For `faults`, the kernel's report of each kind of fault (page fault, #GP, #UD, divide error):
# the exception line, eip named as user code of the child's pid and name (not looked up among
# the kernel's symbols), the `user: pid N (faults): <exception> at eip ...: signal S` line with
# that eip and Linux's signal, the child killed by it, and the kernel still running: pid 1 ends
# normally afterwards.
# Then `args` once more through our own loader (`make image MODULES=...`), whose module strings
# are `<file name> <args>` too. `exec` gets `args` as a second module, to run it through execve.
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
PROGS=(args mem fork faults stack forkloop hog exec forkbomb sched layout)
tap_plan $((2 * ${#PROGS[@]} + 3))

# check_run NAME LOG RC: the two checks above for one boot.
check_run() {
	local p=$1 log=$2 rc=$3 got="$T_DIR/$1.got"
	sed -n '/^user: starting pid 1 /,/^user: frames free /p' "$log" |
		grep -a -v -E '^(user: |EXCEPTION: |page fault: |  )' >"$got"
	if [ "$rc" = 1 ] && grep -q -a "^user: pid 1 ($p) exited with status 0\$" "$log" &&
		diff -u "$ROOT/user/tests/$p.out" "$got" >"$T_DIR/$p.diff"; then
		tap_ok "$p: output as recorded under Linux, pid 1 exit status 0, QEMU status 1"
	else
		tap_fail "$p: QEMU status $rc (want 1)"
		{ cat "$T_DIR/$p.diff" 2>/dev/null; grep -a -E '^(user|PANIC)' "$log" | tail -n 5; } |
			tap_diag
	fi
	local counts
	counts=$(grep -a -E '^user: frames free before [0-9]+, after [0-9]+$' "$log")
	if [ -n "$counts" ] && ! grep -q -a '^PANIC' "$log" &&
		[ "$(echo "$counts" | sed -E 's/.*before ([0-9]+), after ([0-9]+)/\1/')" = \
			"$(echo "$counts" | sed -E 's/.*before ([0-9]+), after ([0-9]+)/\2/')" ]; then
		tap_ok "$p: free frames back to their count before pid 1 (${counts#user: })"
	else
		tap_fail "$p: frame count: '${counts:-missing}'"
		grep -a '^PANIC' "$log" | tap_diag
	fi
}

# check_fault_reports LOG: the report of each kind of fault in the faults run.
check_fault_reports() {
	local log=$1 kind sig line eip pid bad=()
	for kind_sig in "Page fault:11" "General protection fault:11" "Invalid opcode:4" \
		"Divide error:8"; do
		kind=${kind_sig%:*} sig=${kind_sig##*:}
		line=$(grep -a -A1 "^EXCEPTION: $kind (vector " "$log" | grep -a -m1 -E \
			'^  eip=0x[0-9a-f]{8} \(in user code of pid [0-9]+ \(faults\)\)$')
		eip=$(echo "$line" | sed -E 's/^  eip=(0x[0-9a-f]{8}) .*/\1/')
		pid=$(echo "$line" | sed -E 's/.*of pid ([0-9]+) .*/\1/')
		if [ -z "$line" ] || [ "$pid" = 1 ] ||
			! grep -q -a -F "user: pid $pid (faults): $kind at eip $eip: signal $sig" "$log" ||
			! grep -q -a -x -F "user: pid $pid (faults) killed by signal $sig" "$log"; then
			bad+=("$kind")
		fi
	done
	if [ ${#bad[@]} -eq 0 ] && ! grep -q -a 'not in kernel text' "$log" &&
		grep -q -a '^user: pid 1 (faults) exited with status 0$' "$log"; then
		tap_ok "faults: each report names user code, pid and program; the kernel goes on"
	else
		tap_fail "faults: reports wrong for: ${bad[*]:-none} (or 'not in kernel text' / pid 1)"
		grep -a -A1 '^EXCEPTION: ' "$log" | tap_diag
	fi
}

for p in "${PROGS[@]}"; do
	args=()
	[ -f "$ROOT/user/tests/$p.args" ] && read -r -a args <"$ROOT/user/tests/$p.args"
	log="$T_DIR/$p.log"
	mods="$BUILD/user/$p ${args[*]}"
	[ "$p" = exec ] && mods+=",$BUILD/user/args" # what it runs through execve
	rc=$(qemu_run "$log" 120 -m 64 -kernel "$KERNEL" -initrd "$mods" \
		-append "init=$p qemu-exit nomonitor")
	check_run "$p" "$log" "$rc"
	[ "$p" = faults ] && check_fault_reports "$log"
done

# Our loader: the same module-string convention, through the disk image.
read -r -a args <"$ROOT/user/tests/args.args"
img="$T_DIR/args.img"
make -s -C "$ROOT" image IMAGE="$img" KERNEL="$KERNEL" CMDLINE="init=args qemu-exit nomonitor" \
	MODULES="$BUILD/user/args ${args[*]}" >"$img.make.log" 2>&1 || tail -n 5 "$img.make.log" | tap_diag
rc=$(qemu_boot_image "$T_DIR/loader.log" 120 "$img" 64)
check_run args "$T_DIR/loader.log" "$rc"
tap_done
