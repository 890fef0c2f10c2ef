#!/usr/bin/env bash
# 30-kernel.t - the kernel booted directly by QEMU's own Multiboot loader (-kernel), no disk.
#
#   1. test=boot,traps,kbase: the in-kernel suites pass (TAP on serial, shown as a subtest), the plan
#      matches the results, and QEMU exits through isa-debug-exit with status 33;
#   2. the boot log has the Multiboot lines in their contract format and one BIOS-e820 line per
#      map entry, with the usable RAM above 1 MiB that -m 128 gives;
#   3. port 0xE9 (isa-debugcon) carries the same log as COM1;
#   4. without test=, `qemu-exit` ends the boot with "kernel: up" and status 33;
#   5. trap=ud2 / trap=gp / trap=divide / trap=double / trap=stack: the exception is named, registers and error code are
#      printed, the panic names the function, and QEMU exits with status 35 (test= absent, so
#      this also checks that `qemu-exit` alone makes panic leave QEMU);
#   6. an unknown suite fails the run (status 35): a typo in test= cannot pass;
#   7. the same kernel under GRUB 2 (ISOs from grub-mkrescue, booted as a CD), through `multiboot`
#      and through `multiboot2`: the suites pass, the protocol line names the one used and the
#      loader line names GRUB (skipped, and said so, where grub-mkrescue is missing).
# Our own loader is tested with the same kernel elsewhere (the loader's scripts).
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 16
if [ ! -f "$KERNEL" ]; then
	for i in $(seq 16); do tap_fail "kernel.elf not built ($KERNEL)"; done
	tap_done
fi

# boot NAME APPEND [EXTRA...]: boot with -kernel at -m 128; sets $log and $rc.
boot() {
	local name=$1 append=$2; shift 2
	log="$T_DIR/$name.log"
	rc=$(qemu_run "$log" 30 -m 128 -kernel "$KERNEL" -append "$append" "$@")
}

# --- 1: in-kernel suites ---------------------------------------------------------------------
boot suites "test=boot,traps,kbase" -chardev "file,id=e9,path=$T_DIR/suites.e9" \
	-device "isa-debugcon,iobase=0xe9,chardev=e9"
kernel_tap "$log"
n_ok=$(grep -a -c '^ok ' "$log")
n_not=$(grep -a -c '^not ok ' "$log")
plan=$(grep -a -o -m1 '^1\.\.[0-9]*' "$log" | cut -d. -f3)
if [ "$rc" = 33 ] && [ "$n_not" = 0 ] && [ "$n_ok" -gt 0 ] && [ "${plan:-x}" = "$n_ok" ]; then
	tap_ok "test=boot,traps,kbase: $n_ok checks passed, plan 1..$plan, exit status 33"
else
	tap_fail "test=boot,traps,kbase: exit status $rc (want 33), $n_ok ok, $n_not not ok, plan ${plan:-none}"
fi
tap_check "all three suites ran (# suite boot, traps, kbase)" \
	bash -c "grep -a -q '^# suite boot\$' '$log' && grep -a -q '^# suite traps\$' '$log' && grep -a -q '^# suite kbase\$' '$log'"

# --- 2: the Multiboot lines ------------------------------------------------------------------
tap_check 'multiboot: loader "qemu"' grep -a -q '^multiboot: loader "qemu"$' "$log"
tap_check 'multiboot: cmdline "<kernel path> test=boot,traps,kbase" (QEMU puts the file name first), kernel: arguments "test=boot,traps,kbase"' \
	bash -c "grep -a -q -F 'multiboot: cmdline \"$KERNEL test=boot,traps,kbase\"' '$log' &&
		 grep -a -q '^kernel: arguments \"test=boot,traps,kbase\"' '$log'"
tap_check 'multiboot: flags=0x........ with mem_lower/mem_upper in KiB' bash -c \
	"grep -a -q -E '^multiboot: flags=0x[0-9a-f]{8}\$' '$log' &&
	 grep -a -q -E '^multiboot: mem_lower=[0-9]+KiB mem_upper=[0-9]+KiB\$' '$log'"
# QEMU at -m 128 (SeaBIOS): usable RAM from 1 MiB up to just below 128 MiB.
tap_check 'BIOS-e820 lines in Linux format, usable RAM from 0x100000 at -m 128' bash -c \
	"[ \$(grep -a -c -E '^BIOS-e820: \[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\] (usable|reserved|ACPI data|ACPI NVS|unusable|type [0-9]+)\$' '$log') -ge 3 ] &&
	 grep -a -q -E '^BIOS-e820: \[mem 0x0000000000100000-0x0000000007[0-9a-f]{6}\] usable\$' '$log'"

# --- 3: port 0xE9 console ----------------------------------------------------------------------
tap_check "port 0xE9 carries the same output as COM1" cmp -s "$log" "$T_DIR/suites.e9"

# --- 4: plain boot ------------------------------------------------------------------------------
boot up "qemu-exit nomonitor"
tap_check "plain boot ends with 'kernel: up' and exit status 33 (got $rc)" \
	bash -c "[ '$rc' = 33 ] && grep -a -q '^kernel: up\$' '$log'"

# --- 5: exception reports ------------------------------------------------------------------------
# check_trap NAME EXCEPTION-LINE-REGEX PANIC-REGEX
check_trap() {
	local name=$1 exc=$2 pan=$3
	boot "trap-$name" "trap=$name qemu-exit"
	if [ "$rc" = 35 ] && grep -a -q -E "^EXCEPTION: $exc" "$log" &&
		grep -a -q -E '^  eip=0x[0-9a-f]{8} \(trap_raise_from_cmdline\+0x[0-9a-f]+\)$' "$log" &&
		grep -a -q -E '^  eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8}$' "$log" &&
		grep -a -q -E '^  cr0=0x[0-9a-f]{8} cr2=0x[0-9a-f]{8} cr3=0x[0-9a-f]{8} cr4=0x[0-9a-f]{8}$' "$log" &&
		grep -a -q -E "^PANIC: $pan" "$log"; then
		tap_ok "trap=$name: '$(grep -a -m1 '^EXCEPTION' "$log")', registers, panic, status 35"
	else
		tap_fail "trap=$name: exit status $rc (want 35) or report incomplete"
		tap_diag <"$log"
	fi
}
check_trap ud2 'Invalid opcode \(vector 6, error code 0x00000000\)' 'Invalid opcode \(vector 6\)'
check_trap gp 'General protection fault \(vector 13, error code 0x00001230\)' 'General protection fault'
check_trap divide 'Divide error \(vector 0,' 'Divide error'
# #GP with its gate not present -> #NP while delivering it -> double fault, on its own task.
check_trap double 'Double fault \(vector 8, error code 0x00000000\), reported by the double-fault task' \
	'Double fault at eip'

# A runaway recursion into the guard page (unmapped by paging): reported as a stack overflow.
boot trap-stack "trap=stack qemu-exit"
if [ "$rc" = 35 ] && grep -a -q '^EXCEPTION: Double fault (vector 8, error code 0x00000000), reported by the double-fault task$' "$log" &&
	grep -a -q -E '^  eip=0x[0-9a-f]{8} \(trap_raise_recurse\+0x[0-9a-f]+\)$' "$log" &&
	grep -a -q -E "^double fault: esp 0x[0-9a-f]{8} is at the boot stack's guard page \[0x[0-9a-f]{8}-0x[0-9a-f]{8}\]: kernel stack overflow$" "$log" &&
	grep -a -q '^PANIC: Double fault at eip' "$log"; then
	tap_ok "trap=stack: the stack overflow is reported by the double-fault task, status 35"
else
	tap_fail "trap=stack: exit status $rc (want 35; 0 means a triple fault reset the machine)"
	tap_diag <"$log"
fi

# --- 6: unknown suite ----------------------------------------------------------------------------
boot unknown "test=boot,no-such-suite"
tap_check "test=no-such-suite fails the run (status $rc, want 35)" \
	bash -c "[ '$rc' = 35 ] && grep -a -q \"^not ok .* suite 'no-such-suite' exists\" '$log'"

# --- 7: GRUB ---------------------------------------------------------------------------------
# The suites under GRUB 2, once through `multiboot` and once through `multiboot2` (the kernel has
# both headers): the protocol line, the loader name, the arguments alone.
iso_dir="$T_DIR/iso"
if command -v grub-mkrescue >/dev/null && [ -d /usr/lib/grub/i386-pc ] && command -v xorriso >/dev/null; then
	for p in multiboot multiboot2; do
		rm -rf "$iso_dir" && mkdir -p "$iso_dir/boot/grub"
		cp "$KERNEL" "$iso_dir/boot/kernel.elf"
		printf 'set timeout=0\nset default=0\nmenuentry "kernel" {\n\t%s /boot/kernel.elf %s\n\tboot\n}\n' \
			"$p" "test=boot,traps,kbase" >"$iso_dir/boot/grub/grub.cfg"
		if grub-mkrescue -o "$T_DIR/grub-$p.iso" "$iso_dir" >"$T_DIR/grub-mkrescue.log" 2>&1; then
			log="$T_DIR/grub-$p.log"
			rc=$(qemu_run "$log" 60 -m 128 -cdrom "$T_DIR/grub-$p.iso")
			kernel_tap "$log"
			# GRUB 2 passes the arguments alone: the kernel must not drop the first one.
			if [ "$rc" = 33 ] && grep -a -q '^multiboot: loader "GRUB' "$log" && ! grep -a -q '^not ok' "$log" &&
				grep -a -q "^multiboot: protocol $p, information at 0x" "$log" &&
				grep -a -q '^1\.\.[1-9]' "$log" &&
				grep -a -q '^multiboot: cmdline "test=boot,traps,kbase"' "$log" &&
				grep -a -q '^kernel: arguments "test=boot,traps,kbase"' "$log"; then
				tap_ok "GRUB 2 ($p) boots the same kernel: $(grep -a -m1 '^multiboot: loader' "$log"), cmdline = arguments alone, suites pass, status 33"
			else
				tap_fail "GRUB 2 ($p) boot: exit status $rc (want 33)"
			fi
		else
			tap_fail "grub-mkrescue failed"; tap_diag <"$T_DIR/grub-mkrescue.log"
		fi
	done
else
	for p in multiboot multiboot2; do
		T_COUNT=$((T_COUNT + 1)); echo "ok $T_COUNT # skip GRUB $p boot: grub-mkrescue, xorriso or grub-pc-bin not installed"
	done
fi
tap_done
