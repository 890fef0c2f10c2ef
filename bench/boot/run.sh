#!/usr/bin/env bash
# run.sh - `make bench-boot`: boot time and load speed of our loader, measured in QEMU.
#
# Boot: wall time from QEMU's start until the kernel leaves through isa-debug-exit, for the same
# kernel (build/kernel/kernel.boot.elf, what `make image` puts on the disk; command line "nomonitor qemu-exit": the whole bring-up, then
# `kernel: up` and the exit instead of the monitor)
#   ours         our disk image (IDE), made by `make image`
#   qemu-kernel  qemu-system-i386 -kernel (QEMU's own Multiboot loader)
#   grub         an El Torito ISO made by grub-mkrescue (GRUB 2, `multiboot` command, timeout 0)
#   floor        (for reference) an MBR that leaves QEMU at once: what no loader booting from the
#                disk can beat, QEMU's start and SeaBIOS's POST
# BENCH_RUNS runs each (default 7), medians, ratios. The variants take turns (ours, qemu, grub,
# ours, ...) so that a change in the machine's load hits all of them alike.
# Load speed: a kernel with one 32 MiB PT_LOAD (tests/boot, pad32.elf) through our loader, against
# the emulated disk's own pace: bench/boot/limit.asm, a boot sector that only reads the same
# number of sectors with AH=42h, 127 at a time. Both are timed against an empty run of the same
# thing (our loader with the 9 KiB entry-state kernel; the boot sector reading nothing), so
# MiB/s = 32 MiB / (t_full - t_empty): QEMU's start-up and the BIOS drop out. From IDE
# (-machine pc) and AHCI (-machine q35). Timings are of this machine; medians of BENCH_RUNS_LOAD
# (default 7: AHCI runs vary between runs more than IDE ones, docs/boot.md).
# Each CPU model in BENCH_CPUS (default: QEMU's default CPU, which has no PCLMULQDQ, and the same
# with PCLMULQDQ, so that the loader's CRC-32 takes its other path: boot/crc.inc) runs the whole
# series. Next to each median the spread: the lowest and highest of the runs (times), or of the
# ratios run by run (ratios: the variants of one round ran one after the other).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-i386}
RUNS=${BENCH_RUNS:-7}
RUNS_LOAD=${BENCH_RUNS_LOAD:-7}
CPUS=${BENCH_CPUS:-default qemu32,+pclmulqdq}
OUT="$BUILD/bench/boot"
mkdir -p "$OUT"
KERNEL="$BUILD/kernel/kernel.boot.elf"
TK="$BUILD/boot/tk"

# timed RC-WANTED QEMU-ARGS...: one run, seconds on stdout; fails unless QEMU exits RC-WANTED.
timed() {
	local want=$1; shift
	local s e rc=0
	s=$(date +%s.%N)
	timeout -k 5 300 "$QEMU" -display none -no-reboot -monitor none -serial file:"$OUT/serial.log" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 "$@" </dev/null >"$OUT/qemu.out" 2>&1 || rc=$?
	e=$(date +%s.%N)
	if [ "$rc" != "$want" ]; then
		echo "run.sh: QEMU exited $rc, wanted $want: $*" >&2; tail -n 5 "$OUT/serial.log" >&2; return 1
	fi
	calc "$e - $s"
}
calc() { awk "BEGIN { printf \"%.6f\\n\", $1 }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f\n", m }'; }
spread() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f-%.3f\n", lo, hi }'; }
# ratio_runs A B [EXPR]: per round, EXPR of $1 (A's time) and $2 (B's), default $1 / $2.
ratio_runs() { paste "$OUT/$1.times" "$OUT/$2.times" | awk "{ printf \"%.6f\\n\", ${3:-\$1 / \$2} }"; }
# turns N NAME... : run each variant's command (cmd_NAME, a function) N times in turn; the
# times go to $OUT/NAME.times, the medians to the variables med_NAME.
turns() {
	local n=$1 name i; shift
	for name in "$@"; do : > "$OUT/$name.times"; done
	for ((i = 0; i < n; i++)); do
		for name in "$@"; do "cmd_$name" >> "$OUT/$name.times"; done
	done
	for name in "$@"; do
		printf -v "med_$name" '%s' "$(median < "$OUT/$name.times")"
		printf -v "rng_$name" '%s' "$(spread < "$OUT/$name.times")"
	done
}

# --- images: the padded kernel, the empty one, the bare reader (and the exiting MBR) ---------
make -s image IMAGE="$OUT/pad32.img" KERNEL="$TK/pad32.elf" >/dev/null
make -s image IMAGE="$OUT/empty.img" KERNEL="$TK/entry.elf" >/dev/null
bytes=$(stat -c %s "$TK/pad32.elf")
sectors=$(( (bytes + 511) / 512 ))
mib=$(calc "$bytes / 1048576")
put_count() { # IMAGE COUNT: the limit sector's dword at 0x1B0
	local v=$2
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)))" |
		dd of="$1" bs=1 seek=$((0x1B0)) conv=notrunc status=none
}
for img in limit limit0; do
	rm -f "$OUT/$img.img"
	dd if=/dev/zero of="$OUT/$img.img" bs=1M count=0 seek=$(( (bytes >> 20) + 2 )) status=none
	dd if="$BUILD/boot/bench-limit.bin" of="$OUT/$img.img" conv=notrunc status=none
	dd if="$TK/pad32.elf" of="$OUT/$img.img" bs=512 seek=1 conv=notrunc status=none
done
put_count "$OUT/limit.img" $sectors
put_count "$OUT/limit0.img" 0

# --- boot time -----------------------------------------------------------------------------------
UP="nomonitor qemu-exit"
make -s image IMAGE="$OUT/ours.img" KERNEL="$KERNEL" CMDLINE="$UP" >/dev/null
iso="$OUT/grub.iso"
rm -rf "$OUT/iso"; mkdir -p "$OUT/iso/boot/grub"
cp "$KERNEL" "$OUT/iso/boot/kernel.elf"
cat > "$OUT/iso/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
menuentry "kernel" {
	multiboot /boot/kernel.elf $UP
	boot
}
CFG
grub-mkrescue -o "$iso" "$OUT/iso" >"$OUT/grub-mkrescue.log" 2>&1
cmd_ours() { timed 33 $CPU_ARGS -m 128 -drive file="$OUT/ours.img",format=raw,if=ide && cp "$OUT/serial.log" "$OUT/ours.serial.log"; }
cmd_qemu() { timed 33 $CPU_ARGS -m 128 -kernel "$KERNEL" -append "$UP"; }
cmd_grub() { timed 33 $CPU_ARGS -m 128 -cdrom "$iso" -boot d; }
# The floor under any loader booting from this disk: QEMU's start and SeaBIOS up to the MBR, with
# a boot sector that exits at once (limit.asm told to read nothing).
cmd_floor() { timed 33 $CPU_ARGS -m 128 -drive file="$OUT/limit0.img",format=raw,if=ide; }

for cpu in $CPUS; do
CPU_ARGS=
[ "$cpu" = default ] || CPU_ARGS="-cpu $cpu"
echo "== CPU $cpu"
turns "$RUNS" ours qemu grub floor
t_ours=$med_ours t_qemu=$med_qemu t_grub=$med_grub
grep -a '^boot: crc32' "$OUT/ours.serial.log" | tr -d '\r' || true
echo "boot time, median of $RUNS (s) [lowest-highest]: ours $t_ours [$rng_ours], qemu -kernel $t_qemu" \
     "[$rng_qemu], grub $t_grub [$rng_grub]; an MBR that exits at once $med_floor [$rng_floor]"
echo "ours / qemu-kernel = $(calc "$t_ours / $t_qemu") [$(ratio_runs ours qemu | spread)] (target <= 1.25)," \
     "ours / grub = $(calc "$t_ours / $t_grub") [$(ratio_runs ours grub | spread)] (target < 0.40);" \
     "the exiting MBR alone / grub = $(calc "$med_floor / $t_grub")"
boot_ratios="ours/qemu-kernel=$(calc "$t_ours / $t_qemu") ours/grub=$(calc "$t_ours / $t_grub")"

# --- load speed ----------------------------------------------------------------------------------
for ctl in ide ahci; do
	drive() { # IMAGE -> QEMU args for the controller
		if [ $ctl = ide ]; then echo "-machine pc -drive file=$1,format=raw,if=ide"
		else echo "-machine q35 -drive file=$1,format=raw,if=none,id=d -device ahci,id=a -device ide-hd,drive=d,bus=a.0"; fi
	}
	# shellcheck disable=SC2046
	{
		cmd_o1() { timed 33 $CPU_ARGS -m 128 $(drive "$OUT/pad32.img"); }
		cmd_o0() { timed 33 $CPU_ARGS -m 128 $(drive "$OUT/empty.img"); }
		cmd_l1() { timed 33 $CPU_ARGS -m 128 $(drive "$OUT/limit.img"); }
		cmd_l0() { timed 33 $CPU_ARGS -m 128 $(drive "$OUT/limit0.img"); }
	}
	turns "$RUNS_LOAD" o1 o0 l1 l0
	o1=$med_o1 o0=$med_o0 l1=$med_l1 l0=$med_l0
	ours=$(awk "BEGIN { printf \"%.1f\", $mib / ($o1 - $o0) }")
	limit=$(awk "BEGIN { printf \"%.1f\", $mib / ($l1 - $l0) }")
	# Run by run: (l1 - l0) / (o1 - o0), the same rounds' times.
	paste "$OUT/o1.times" "$OUT/o0.times" "$OUT/l1.times" "$OUT/l0.times" |
		awk '{ printf "%.6f\n", 100 * ($3 - $4) / ($1 - $2) }' > "$OUT/pct.times"
	pct=$(awk "BEGIN { printf \"%.0f\", 100 * $ours / $limit }")
	echo "load $ctl: ours $o1 s [$rng_o1] (empty $o0 s), limit $l1 s [$rng_l1] (empty $l0 s);" \
	     "ours/limit = $pct% [$(spread < "$OUT/pct.times" | awk -F- '{ printf "%.0f-%.0f", $1, $2 }')%] (target >= 80%)"
	eval "load_$ctl=\"ours=$ours limit=$limit pct=$pct\""
done
echo "BENCH cpu=$cpu load-ide $load_ide"
echo "BENCH cpu=$cpu load-ahci $load_ahci"
echo "BENCH cpu=$cpu boot ours=$t_ours qemu-kernel=$t_qemu grub=$t_grub $boot_ratios"
done
