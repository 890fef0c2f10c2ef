#!/usr/bin/env bash
# 55-higher-half-elf.t - the kernel file is a higher-half kernel any Multiboot loader can boot,
# read with binutils' readelf (not with the build's own checker), and the build's checker
# (tools/kernel_layout_check.py, run by mk/kernel.mk after every link) refuses what it must:
#   1. e_entry is physical, inside the first PT_LOAD, which is linked where it loads;
#   2. every other PT_LOAD has p_vaddr = p_paddr + 0xC0000000, and kmain is linked high;
#   3. the checker accepts the kernel, and refuses code with relocations in the before-paging slot
#      (mm/kmap.o stands in for a paging_boot.o that called or read something linked high).
source "$(dirname "$0")/../lib.sh"

KERNEL="$BUILD/kernel/kernel.elf"
tap_plan 3
entry=$(readelf -h "$KERNEL" 2>/dev/null | awk '/Entry point address/ { print $4 }')
mapfile -t loads < <(readelf -lW "$KERNEL" 2>/dev/null | awk '$1 == "LOAD" { print $3, $4, $6 }')
printf '%s\n' "e_entry $entry" "${loads[@]/#/LOAD vaddr paddr memsz: }" | tap_diag
read -r v0 p0 m0 <<<"${loads[0]:-0 1 0}"
tap_check "e_entry $entry is physical, inside the first PT_LOAD [$p0, +$m0) with p_vaddr = p_paddr" \
	bash -c "(( $v0 == $p0 && ${entry:-0} >= $p0 && ${entry:-0} < $p0 + $m0 && $p0 >= 0x100000 ))"
bad=0
for l in "${loads[@]:1}"; do
	read -r v p _ <<<"$l"
	(( v == p + 0xC0000000 )) || bad=$((bad + 1))
done
kmain=$(nm "$KERNEL" | awk '$3 == "kmain" { print $1 }')
tap_check "the other $(( ${#loads[@]} - 1 )) PT_LOADs at p_paddr + 0xC0000000 ($bad not), kmain at 0x$kmain" \
	bash -c "[ ${#loads[@]} -ge 2 ] && [ $bad = 0 ] && (( 0x${kmain:-0} >= 0xc0100000 ))"
good=$(python3 "$ROOT/tools/kernel_layout_check.py" "$KERNEL" "$BUILD/kernel/obj/mm/paging_boot.o" 0xC0000000 2>&1; echo "rc=$?")
refused=$(python3 "$ROOT/tools/kernel_layout_check.py" "$KERNEL" "$BUILD/kernel/obj/mm/kmap.o" 0xC0000000 2>&1; echo "rc=$?")
printf '%s\n' "$good" "$refused" | tap_diag
tap_check "checker: the kernel passes; an object with code relocations in the before-paging slot is refused" \
	bash -c "[ '$good' = 'rc=0' ] && [[ '$refused' == *'has relocations (.rel.text)'*'rc=1' ]]"
tap_done
