#!/usr/bin/env bash
# run.sh - `make bench-vm`: the virtual-memory and process operations of our kernel against
# Linux's, measured by one static i386 program (user/bench/vmbench.c) run as pid 1 under each, one
# after the other, in the same emulated machine.
#
#   ours   qemu-system-x86_64 -kernel build/kernel/kernel.elf -initrd build/user/vmbench,
#          command line "init=vmbench qemu-exit nomonitor" (QEMU's Multiboot loader)
#   linux  qemu-system-x86_64 -kernel /boot/vmlinuz-*-amd64 (Debian's linux-image-amd64, its
#          i386 compatibility mode runs the program) with a one-file initramfs holding the program
#          as /init (tests/boot/initramfs.py); console=ttyS0; transparent_hugepage=never, so that
#          both kernels map 4 KiB pages (Debian's default, "always", may map 2 MiB at the first
#          touch of an aligned range); the program powers the machine off when it is done.
#          QEMU's qemu64 CPU calls itself AMD, so Linux does not isolate its page tables (no
#          PTI); its Spectre v1/v2 mitigations are on, as Debian ships them
# Both: TCG (QEMU's translator, as every test), -cpu $BENCH_VM_CPU (qemu64), -m $BENCH_VM_MEM
# (256), one CPU; BENCH_VM_RUNS rounds (3), each booting ours then Linux, so that a change in
# this machine's load hits both alike; each figure is the median over the rounds of the program's
# medians. The program prints the median TSC cycles of each operation; under TCG the
# guest's RDTSC reads the host's time-stamp counter (QEMU's helper_rdtsc, through cpu_get_ticks,
# is cpu_get_host_ticks plus an offset), so cycles compare directly, and nanoseconds are cycles over the host TSC's rate, measured by the same program on
# this machine against CLOCK_MONOTONIC (`vmbench calibrate`). The Linux guest measures the rate
# too, against its own clock: printed as a check. Output: a table, then one line per operation
#   BENCH vm-<op> ours=<ns> linux=<ns> ratio=<ours/linux>
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
QEMU=qemu-system-x86_64
CPU=${BENCH_VM_CPU:-qemu64}
MEM=${BENCH_VM_MEM:-256}
RUNS=${BENCH_VM_RUNS:-3}
OUT="$BUILD/bench/vm"
PROG="$BUILD/user/vmbench"
KERNEL="$BUILD/kernel/kernel.elf"
VMLINUZ=$(ls /boot/vmlinuz-*-amd64 | sort -V | tail -n 1)
OPS=(getpid zero cow fork yield brk16)
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT/seconds"

hz=$("$PROG" calibrate | awk '$1 == "VMBENCH" && $2 == "tsc-hz" { print $3 }')
[ -n "$hz" ] || { echo "run.sh: $PROG calibrate printed no rate" >&2; exit 1; }
python3 tests/boot/initramfs.py "$OUT/initramfs.cpio" "$PROG"

# guest NAME WANT-RC QEMU-ARGS...: one boot, the serial console in $OUT/NAME.log; fails unless QEMU
# exits WANT-RC (ours: isa-debug-exit with pid 1's status 0 gives 1; Linux's power-off gives 0)
# and the program got to its end.
guest() {
	local name=$1 want=$2 rc=0 s=$SECONDS; shift 2
	timeout -k 5 300 "$QEMU" -accel tcg -cpu "$CPU" -m "$MEM" -smp 1 -display none -no-reboot \
		-monitor none -serial file:"$OUT/$name.log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		"$@" </dev/null >"$OUT/$name.qemu.out" 2>&1 || rc=$?
	if [ "$rc" != "$want" ] || ! grep -aq '^VMBENCH done' "$OUT/$name.log"; then
		echo "run.sh: $name: QEMU exited $rc (wanted $want) or the program did not finish" >&2
		tail -n 20 "$OUT/$name.log" >&2
		return 1
	fi
	echo "$name=$((SECONDS - s))" >>"$OUT/seconds"
}
for ((r = 1; r <= RUNS; r++)); do
	guest "ours.$r" 1 -kernel "$KERNEL" -initrd "$PROG" -append "init=vmbench qemu-exit nomonitor"
	guest "linux.$r" 0 -kernel "$VMLINUZ" -initrd "$OUT/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 transparent_hugepage=never"
done

# cycles NAME OP: the median over the runs of the median cycles the program printed for OP.
cycles() {
	for ((r = 1; r <= RUNS; r++)); do
		tr -d '\r' <"$OUT/$1.$r.log" | awk -v op="$2" '$1 == "VMBENCH" && $2 == op { print $3 }'
	done | sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}
ns() { awk -v c="$1" -v hz="$hz" 'BEGIN { printf "%.0f", c * 1e9 / hz }'; }
echo "boots of $RUNS rounds (s): $(tr '\n' ' ' <"$OUT/seconds")"
echo "TSC rate: $hz Hz on this machine; the Linux guest measured $(cycles linux tsc-hz) Hz against its own clock"
echo "rdtsc pair alone (included in every figure): ours $(cycles ours null), linux $(cycles linux null) cycles"
printf '%-8s %14s %14s %12s %12s %8s\n' op "ours cycles" "linux cycles" "ours ns" "linux ns" ratio
lines=()
for op in "${OPS[@]}"; do
	o=$(cycles ours "$op") l=$(cycles linux "$op")
	[ -n "$o" ] && [ -n "$l" ] || { echo "run.sh: no figure for $op" >&2; exit 1; }
	r=$(awk -v o="$o" -v l="$l" 'BEGIN { printf "%.2f", o / l }')
	printf '%-8s %14s %14s %12s %12s %8s\n' "$op" "$o" "$l" "$(ns "$o")" "$(ns "$l")" "$r"
	lines+=("BENCH vm-$op ours=$(ns "$o") linux=$(ns "$l") ratio=$r")
done
printf '%s\n' "${lines[@]}"
