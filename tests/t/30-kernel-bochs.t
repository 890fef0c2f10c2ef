#!/usr/bin/env bash
# 30-kernel-bochs.t - the kernel's own suites (boot, traps, kbase) under Bochs, through our
# loader. Bochs checks descriptors, the TSS and task gates, the PIC and the UART more strictly
# than QEMU's TCG. Same setup as 14-boot-bochs.t: a copy of the project's bochsrc with the image,
# COM1 and log paths changed, rfb display with timeout=0 (headless), tests/boot/bochs-run.rc
# (continue at once). Bochs has no isa-debug-exit: COM1 is watched for the runner's last line,
# then Bochs is stopped by its process id (or after 120 s).
#   1. every check passes, the plan matches, and the output reached COM1 (the UART probe works);
#   2. port 0xE9 (port_e9_hack) carries the same TAP as COM1.
source "$(dirname "$0")/../lib.sh"
tap_plan 2
KERNEL="$BUILD/kernel/kernel.elf"
img="$T_DIR/kernel.img" com1="$T_DIR/com1.log" out="$T_DIR/bochs.out"
if ! command -v bochs >/dev/null || ! make_image "$img" "$KERNEL" "test=boot,traps,kbase"; then
	tap_fail "bochs or the disk image missing"; tap_diag <"$img.make.log" 2>/dev/null
	tap_fail "port 0xE9"
	tap_done
fi
rm -f "$com1" "$img.lock"   # a killed Bochs leaves its image lock behind
sed -e "s|^ata0-master: .*|ata0-master: type=disk, path=\"$img\", mode=flat|" \
    -e "s|^com1: .*|com1: enabled=1, mode=file, dev=\"$com1\"|" \
    -e "s|^log: .*|log: $T_DIR/bochs.log|" "$ROOT/bochsrc" > "$T_DIR/bochsrc"
timeout -k 5 120 bochs -q -f "$T_DIR/bochsrc" -rc "$ROOT/tests/boot/bochs-run.rc" \
	'display_library: rfb, options="timeout=0"' </dev/null >"$out" 2>&1 &
pid=$!
for ((i = 0; i < 240; i++)); do
	grep -aq '^ktest:' "$com1" 2>/dev/null && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.5
done
sleep 0.5
kill $pid 2>/dev/null; wait $pid 2>/dev/null
rm -f "$img.lock"

kernel_tap "$com1"
n_ok=$(grep -a -c '^ok ' "$com1")
plan=$(grep -a -o -m1 '^1\.\.[0-9]*' "$com1" | cut -d. -f3)
if [ "$n_ok" -gt 0 ] && [ "${plan:-x}" = "$n_ok" ] && ! grep -aq '^not ok' "$com1" &&
	grep -aq '^multiboot: loader "ourboot' "$com1"; then
	tap_ok "Bochs: boot, traps and kbase suites pass on COM1 ($n_ok checks)"
else
	tap_fail "Bochs: suites on COM1 (${n_ok} ok, plan ${plan:-none})"
	grep -a '^boot:\|PANIC\|EXCEPTION' "$com1" | tap_diag; tail -n 3 "$T_DIR/bochs.log" | tap_diag
fi
if [ "$(grep -a -E '^(ok|not ok|1\.\.)' "$out")" = "$(grep -a -E '^(ok|not ok|1\.\.)' "$com1")" ] && [ "$n_ok" -gt 0 ]; then
	tap_ok "Bochs: port 0xE9 carries the same TAP as COM1"
else
	tap_fail "Bochs: port 0xE9 output differs from COM1"
fi
tap_done
