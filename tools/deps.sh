#!/usr/bin/env bash
# deps.sh - make sure the tools a make target needs are on this machine.
#
# Usage: tools/deps.sh GROUP...   (groups: build run bochs host test bench grub realkernels gdb usb
#                                  format pictures)
# test and bench include grub: the GRUB 2 boot test and the boot benchmark make a GRUB ISO. test
# includes realkernels: Xen, a Linux dom0 kernel and grub-invaders, booted through our loader.
# Each group lists "test:package" pairs: the test is a command name on PATH or an absolute file
# path; the package is the Debian package that provides it. Missing packages are installed with
# apt-get when we run as root (one 'apt-get update' first); otherwise we print exactly what is
# missing and the command to install it, and fail. Nothing else in the project installs tools.
set -euo pipefail

declare -A want=()
add() { for pair in "$@"; do want["${pair%%:*}"]="${pair#*:}"; done; }
add_grub() { add grub-mkrescue:grub-common /usr/lib/grub/i386-pc/boot.img:grub-pc-bin xorriso:xorriso mformat:mtools; }
# A path with a * is a glob: Debian's kernel file names carry their version.
add_realkernels() { add /boot/xen-4.17-amd64.gz:xen-hypervisor-4.17-amd64 '/boot/vmlinuz-*-amd64:linux-image-amd64' \
	/boot/invaders.exec:grub-invaders qemu-system-x86_64:qemu-system-x86; }

libgcc32=$(ls /usr/lib/gcc/x86_64-linux-gnu/*/32/libgcc.a 2>/dev/null | head -n1 || true)
for group in "$@"; do
	case "$group" in
	build) add nasm:nasm gcc:gcc ld:binutils make:make python3:python3 \
	           "${libgcc32:-/usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a}:gcc-multilib" ;;
	run)   add qemu-system-i386:qemu-system-x86 ;;
	bochs) add bochs:bochs /usr/share/bochs/BIOS-bochs-latest:bochsbios \
	           /usr/share/vgabios/vgabios.bin:vgabios \
	           /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so:bochs-term ;;
	host)  add clang:clang /usr/include/cmocka.h:libcmocka-dev pkg-config:pkg-config \
	           /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev ;;
	test)  add cppcheck:cppcheck prove:perl timeout:coreutils script:bsdutils expect:expect \
	           clang-format-14:clang-format; add_grub; add_realkernels ;;
	# bench-vm boots Debian's Linux kernel beside ours.
	bench) add /usr/include/jemalloc/jemalloc.h:libjemalloc-dev /usr/include/mimalloc.h:libmimalloc-dev \
	           '/boot/vmlinuz-*-amd64:linux-image-amd64' qemu-system-x86_64:qemu-system-x86; add_grub ;;
	grub)  add_grub ;;
	realkernels) add_realkernels ;;
	gdb)   add gdb:gdb ;;
	format) add clang-format-14:clang-format ;;
	usb)   add lsblk:util-linux blockdev:util-linux sha256sum:coreutils losetup:mount ;;
	pictures) add rsvg-convert:librsvg2-bin ;;   # optional: PNG copies of make memmap's SVGs
	*) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
	esac
done

missing=()
for t in "${!want[@]}"; do
	if [[ $t == /* ]]; then compgen -G "$t" >/dev/null && continue
	else command -v "$t" >/dev/null 2>&1 && continue; fi
	missing+=("${want[$t]}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
	exit 0
fi
echo "deps.sh: missing Debian packages: ${missing[*]}" >&2
echo "deps.sh: install them with: sudo apt-get install ${missing[*]}" >&2
exit 1
