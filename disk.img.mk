# disk.img.mk - the raw disk image: our MBR (stage 1), the config block, stage 2 and any
# Multiboot (version 1 or 2) kernel, laid out as include/loader.h describes, built with dd.
#
#   make image [KERNEL=<Multiboot ELF32, a.out-kludge or Multiboot2 address-tag kernel>] [CMDLINE="<text>"] [IMAGE=<path>]
#              [NAME=<name>] [MODULES="<file> [args];<file> [args];..."]  (Multiboot modules, at most 16)
#              [PROTOCOL=multiboot|multiboot2]  (default: multiboot2 when the kernel has a
#              Multiboot2 header, else multiboot; tools/mbcheck.py decides, docs/boot.md)
# Command lines follow QEMU's -kernel and GRUB Legacy: the kernel's is "<name> <CMDLINE>", where
# <name> is NAME or else the base name of KERNEL; each module's is "<base name of file> [args]".
# A host path means nothing on the booted machine, so only the base name is kept (link a file
# under another name to give it another one). docs/boot.md says why the name comes first.
#   test knobs: FORCE_CHS=1 (stage 1 and 2 skip INT 13h extensions),
#               MEMFALLBACK=e801|88 (stage 2 skips E820, or E820 and E801)
#               POISON=1 (stage 2 fills each segment with 0xCC before loading it: bss zeroing test)
#               A20TEST=bios|port92|kbc (A20 turned off first, then only that method and later ones)
#               SIZECHECK=read (stage 2 skips INT 13h AH=48h and probes the disk's size by
#               reading the image's last sector)
#               NOCHECK=1 (build the image even when tools/mbcheck.py refuses the kernel: for the
#               tests of the loader's own checks)
#
# The kernel is checked first by tools/mbcheck.py, with the loader's own checks and words. The
# CRC-32 of the whole kernel file (the config block) and of every module file (the module block)
# are recorded with the image's end, so that stage 2 can refuse a damaged disk or a truncated
# image (docs/boot.md). Last, the word at CFG_S1_SUM_OFF makes the config block and stage 2's
# sectors (what stage 1 reads) add up to LOADER_S1_SUM in 16-bit words, the sum stage 1 checks;
# it is computed on the finished block, so any change to it (CMDLINE, modules, knobs) is covered.
# Nothing is counted by hand: the recipe measures stage 2 and the kernel, computes the LBAs and
# the partition, and patches them into the MBR and the config block. The image is padded to a
# whole MiB; partition 1 (active, type 0xDA) runs from LBA LOADER_PART_START to the end, so the
# image can be written to a USB stick as it is (docs/boot.md).
# The image is rebuilt every time (a few dd calls): CMDLINE and the knobs are not files make
# could compare.

BOOT_S1  := $(BUILD)/boot/stage1.bin
BOOT_S2  := $(BUILD)/boot/stage2.bin
FORCE_CHS ?=
MEMFALLBACK ?=
POISON ?=
A20TEST ?=
MODULES ?=
PROTOCOL ?=
# NAME only from make's command line: some shells export a NAME of their own (the host name).
ifneq ($(origin NAME),command line)
NAME :=
endif
NOCHECK ?=
SIZECHECK ?=
MBCHECK  := python3 tools/mbcheck.py

.PHONY: image-always
image-always:

# put_le FILE OFFSET BYTES VALUE: write VALUE little endian into FILE at OFFSET.
define boot_put_le
put_le() { local v=$$4 i s=""; for ((i = 0; i < $$3; i++)); do s+=$$(printf '\\x%02x' $$(( (v >> (8 * i)) & 255 ))); done; \
	printf "$$s" | dd of="$$1" bs=1 seek=$$2 conv=notrunc status=none; }; \
chs() { local l=$$1 c h s; c=$$(( l / (255 * 63) )); h=$$(( (l / 63) % 255 )); s=$$(( l % 63 + 1 )); \
	if [ $$c -gt 1023 ]; then c=1023; h=254; s=63; fi; echo $$(( h | ((s | ((c >> 8) << 6)) << 8) | ((c & 255) << 16) )); }
endef

$(IMAGE): $(BOOT_S1) $(BOOT_S2) $(KERNEL) disk.img.mk tools/mbcheck.py include/loader_msg.h \
	  include/multiboot2.h image-always
	@set -euo pipefail; $(boot_put_le); \
	def() { sed -n "s/^%define $$1 //p" $(BUILD)/inc/loader.inc; }; \
	kernel="$(KERNEL)"; cmdline='$(subst ','\'',$(CMDLINE))'; name='$(subst ','\'',$(NAME))'; \
	[ -f "$$kernel" ] || { echo "disk.img.mk: kernel '$$kernel' not found" >&2; exit 1; }; \
	[ -n "$$name" ] || name=$$(basename "$$kernel"); \
	case "$$name" in *[[:space:]]*) echo "disk.img.mk: NAME '$$name' has a blank in it" >&2; exit 1;; esac; \
	cmdline="$$name$${cmdline:+ $$cmdline}"; \
	[ $${#cmdline} -lt $$(( $$(def LOADER_CMDLINE_MAX) )) ] || \
		{ echo "disk.img.mk: name and CMDLINE longer than $$(( $$(def LOADER_CMDLINE_MAX) - 1 )) bytes" >&2; exit 1; }; \
	if ! fields=$$($(MBCHECK) --protocol "$(PROTOCOL)" --fields "$$kernel"); then \
		[ -n "$(NOCHECK)" ] || { echo "disk.img.mk: kernel '$$kernel' refused (the loader would stop there too)" >&2; exit 1; }; \
		fields="$$($(MBCHECK) --crc "$$kernel") $(or $(PROTOCOL),multiboot)"; fi; \
	read -r k_crc proto <<<"$$fields"; \
	part=$$(( $$(def LOADER_PART_START) )); \
	s2_sectors=$$(( ($$(stat -c %s $(BOOT_S2)) + 511) / 512 )); \
	k_bytes=$$(stat -L -c %s "$$kernel"); k_sectors=$$(( (k_bytes + 511) / 512 )); \
	k_lba=$$(( part + 1 + s2_sectors )); \
	mods='$(subst ','\'',$(MODULES))'; mod_files=(); mod_strs=(); \
	if [ -n "$$mods" ]; then IFS=';' read -r -a mod_strs <<<"$$mods"; fi; \
	[ $${#mod_strs[@]} -le $$(( $$(def LOADER_MODS_MAX) )) ] || \
		{ echo "disk.img.mk: more than $$(( $$(def LOADER_MODS_MAX) )) MODULES" >&2; exit 1; }; \
	strs_room=$$(( $$(def LOADER_MODBLK_SECTORS) * 512 - $$(def MODBLK_STRINGS_OFF) )); strs_len=0; \
	for i in "$${!mod_strs[@]}"; do m=$${mod_strs[$$i]}; f=$${m%% *}; \
		[ -f "$$f" ] || { echo "disk.img.mk: module '$$f' not found" >&2; exit 1; }; \
		m="$$(basename "$$f")$${m:$${#f}}"; mod_strs[$$i]=$$m; \
		mod_files+=("$$f"); strs_len=$$(( strs_len + $${#m} + 1 )); done; \
	[ $$strs_len -le $$strs_room ] || \
		{ echo "disk.img.mk: MODULES strings take $$strs_len bytes, the module block has room for $$strs_room" >&2; exit 1; }; \
	next=$$(( k_lba + k_sectors )); mb_lba=0; \
	if [ $${#mod_files[@]} -gt 0 ]; then mb_lba=$$next; next=$$(( next + $$(def LOADER_MODBLK_SECTORS) )); fi; \
	mod_lbas=(); for f in "$${mod_files[@]}"; do mod_lbas+=($$next); \
		next=$$(( next + ($$(stat -L -c %s "$$f") + 511) / 512 )); done; \
	align=$$(( $$(def LOADER_IMAGE_ALIGN) )); \
	total=$$(( ((next + align - 1) / align) * align )); \
	tmp="$@.tmp"; rm -f "$$tmp"; \
	dd if=/dev/zero of="$$tmp" bs=512 count=0 seek=$$total status=none; \
	dd if=$(BOOT_S1) of="$$tmp" conv=notrunc status=none; \
	put_le "$$tmp" $$(( $$(def LOADER_S1_COUNT_OFF) )) 2 $$(( 1 + s2_sectors )); \
	flags=0; [ -n "$(FORCE_CHS)" ] && flags=$$(( $$(def LOADER_S1_FORCE_CHS) )); \
	put_le "$$tmp" $$(( $$(def LOADER_S1_FLAGS_OFF) )) 1 $$flags; \
	put_le "$$tmp" $$(( $$(def MBR_DISK_SIG_OFF) )) 4 $$(( 0x4F425430 )); \
	pe=$$(( $$(def MBR_PART_TABLE_OFF) )); \
	put_le "$$tmp" $$pe 1 $$(( $$(def MBR_PART_ACTIVE) )); \
	put_le "$$tmp" $$(( pe + 1 )) 3 $$(chs $$part); \
	put_le "$$tmp" $$(( pe + 4 )) 1 $$(( $$(def MBR_PART_TYPE) )); \
	put_le "$$tmp" $$(( pe + 5 )) 3 $$(chs $$(( total - 1 ))); \
	put_le "$$tmp" $$(( pe + 8 )) 4 $$part; \
	put_le "$$tmp" $$(( pe + 12 )) 4 $$(( total - part )); \
	cfg=$$(( part * 512 )); \
	put_le "$$tmp" $$(( cfg + $$(def CFG_MAGIC_OFF) )) 4 $$(( $$(def CFG_MAGIC) )); \
	put_le "$$tmp" $$(( cfg + $$(def CFG_KERNEL_LBA_OFF) )) 4 $$k_lba; \
	put_le "$$tmp" $$(( cfg + $$(def CFG_KERNEL_BYTES_OFF) )) 4 $$k_bytes; \
	put_le "$$tmp" $$(( cfg + $$(def CFG_KERNEL_CRC_OFF) )) 4 $$k_crc; \
	put_le "$$tmp" $$(( cfg + $$(def CFG_IMAGE_END_OFF) )) 4 $$next; \
	cflags=0; case "$(MEMFALLBACK)" in \
		e801) cflags=$$(( $$(def CFG_FORCE_E801) ));; 88) cflags=$$(( $$(def CFG_FORCE_88) ));; \
		"") ;; *) echo "disk.img.mk: MEMFALLBACK must be e801 or 88" >&2; exit 1;; esac; \
	[ -z "$(POISON)" ] || cflags=$$(( cflags | $$(def CFG_POISON) )); \
	[ "$$proto" != multiboot2 ] || cflags=$$(( cflags | $$(def CFG_MULTIBOOT2) )); \
	case "$(SIZECHECK)" in read) cflags=$$(( cflags | $$(def CFG_SIZE_BY_READ) ));; \
		"") ;; *) echo "disk.img.mk: SIZECHECK must be read" >&2; exit 1;; esac; \
	case "$(A20TEST)" in \
		bios) cflags=$$(( cflags | $$(def CFG_A20_START_OFF) ));; \
		port92) cflags=$$(( cflags | $$(def CFG_A20_START_OFF) | $$(def CFG_A20_NO_BIOS) ));; \
		kbc) cflags=$$(( cflags | $$(def CFG_A20_START_OFF) | $$(def CFG_A20_NO_BIOS) | $$(def CFG_A20_NO_PORT92) ));; \
		"") ;; *) echo "disk.img.mk: A20TEST must be bios, port92 or kbc" >&2; exit 1;; esac; \
	put_le "$$tmp" $$(( cfg + $$(def CFG_FLAGS_OFF) )) 4 $$cflags; \
	printf '%s' "$$cmdline" | dd of="$$tmp" bs=1 seek=$$(( cfg + $$(def CFG_CMDLINE_OFF) )) conv=notrunc status=none; \
	dd if=$(BOOT_S2) of="$$tmp" bs=512 seek=$$(( part + 1 )) conv=notrunc status=none; \
	[ $$k_bytes -eq 0 ] || dd if="$$kernel" of="$$tmp" bs=512 seek=$$k_lba conv=notrunc status=none; \
	put_le "$$tmp" $$(( cfg + $$(def CFG_MODS_LBA_OFF) )) 4 $$mb_lba; \
	put_le "$$tmp" $$(( cfg + $$(def CFG_MODS_COUNT_OFF) )) 4 $${#mod_files[@]}; \
	soff=$$(( $$(def MODBLK_STRINGS_OFF) )); \
	for i in "$${!mod_files[@]}"; do f=$${mod_files[$$i]}; m=$${mod_strs[$$i]}; \
		e=$$(( mb_lba * 512 + i * $$(def MODBLK_ENTRY_SIZE) )); \
		put_le "$$tmp" $$(( e + $$(def MODBLK_E_LBA) )) 4 $${mod_lbas[$$i]}; \
		put_le "$$tmp" $$(( e + $$(def MODBLK_E_BYTES) )) 4 $$(stat -L -c %s "$$f"); \
		put_le "$$tmp" $$(( e + $$(def MODBLK_E_STRING) )) 4 $$soff; \
		put_le "$$tmp" $$(( e + $$(def MODBLK_E_CRC) )) 4 $$($(MBCHECK) --crc "$$f"); \
		printf '%s' "$$m" | dd of="$$tmp" bs=1 seek=$$(( mb_lba * 512 + soff )) conv=notrunc status=none; \
		soff=$$(( soff + $${#m} + 1 )); \
		dd if="$$f" of="$$tmp" bs=512 seek=$${mod_lbas[$$i]} conv=notrunc status=none; done; \
	s1_bytes=$$(( (1 + s2_sectors) * 512 )); \
	s1_sum=$$(od --endian=little -A n -v -t u2 -j $$cfg -N $$s1_bytes "$$tmp" | \
		awk '{ for (i = 1; i <= NF; i++) s += $$i } END { print s % 65536 }'); \
	put_le "$$tmp" $$(( cfg + $$(def CFG_S1_SUM_OFF) )) 2 $$(( ($$(def LOADER_S1_SUM) - s1_sum) & 0xFFFF )); \
	mv "$$tmp" "$@"; \
	echo "image $@ ($$proto): stage2 $$s2_sectors sectors at LBA $$(( part + 1 )), kernel $$k_bytes bytes at LBA $$k_lba,$${mod_files[*]:+ $${#mod_files[@]} modules from LBA $$mb_lba,} $$(( total / 2048 )) MiB"
