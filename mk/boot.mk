# mk/boot.mk - the boot loader (boot/), its test kernels (tests/boot/), and the targets that run
# the image: make run, make bochs, make bench-boot. The image itself: disk.img.mk.

# The CRC's PCLMULQDQ constants, derived from include/crc32.h and checked against zlib by a model
# of boot/crc32_update.inc (the script fails, and the build with it, if they are wrong).
CRC_FOLD_INC := $(BUILD)/inc/crc32_fold.inc
$(CRC_FOLD_INC): tools/crc32_fold.py include/crc32.h
	@mkdir -p $(dir $@)
	python3 tools/crc32_fold.py include/crc32.h $@.tmp && mv $@.tmp $@

BOOT_INCS := $(wildcard boot/*.inc) $(NASM_INCS) $(CRC_FOLD_INC)

$(BUILD)/boot/%.bin: boot/%.asm $(BOOT_INCS)
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -f bin -o $@ -l $(@:.bin=.lst) $<

# The CRC's host test (tests/t/19-boot-crc32-host.t): boot/crc32_update.inc assembled as it is
# into a 32-bit Linux program (tests/host/crc32_host.c, crc32_glue.asm), its results against zlib.
CRC_HOST_DIR := $(BUILD)/host/crc32
$(CRC_HOST_DIR)/crc32_glue.o: tests/host/crc32_glue.asm boot/crc32_update.inc $(CRC_FOLD_INC) | deps-build
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -f elf32 -o $@ $<
$(CRC_HOST_DIR)/crc32_host: tests/host/crc32_host.c $(CRC_HOST_DIR)/crc32_glue.o include/crc32.h include/x86.h
	$(KCC) -m32 -no-pie -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wshadow -I. \
	  -Wl,-z,noexecstack -o $@ $< $(CRC_HOST_DIR)/crc32_glue.o
TEST_PREREQS += $(CRC_HOST_DIR)/crc32_host

# --- run ------------------------------------------------------------------------------------
# With no display ($DISPLAY and $WAYLAND_DISPLAY unset) the serial console is this terminal
# (Ctrl-A X quits QEMU, Ctrl-A C the monitor). Not -nographic: that also turns on SeaBIOS's serial
# mirror of INT 10h, and the loader, which writes to both, would appear twice, interleaved.
QEMU_DISPLAY = $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY)),-serial stdio,-display none -serial mon:stdio)
.PHONY: run bochs
# The monitor's `halt` leaves QEMU with status 33 (a normal end); 35 means the kernel panicked.
run: deps-run $(IMAGE)
	@rc=0; $(QEMU) -m $(MEM) -drive file=$(IMAGE),format=raw,if=ide $(QEMU_DISPLAY) \
	  $(QEMU_EXIT_DEVICE) -no-reboot || rc=$$?; \
	case $$rc in 0|33) ;; 35) echo "run: the kernel stopped after a panic (QEMU status 35)" >&2; exit 1 ;; \
	  *) echo "run: QEMU exited with status $$rc" >&2; exit $$rc ;; esac

# Bochs with the project's bochsrc (disk.img, port_e9_hack, magic_break). The display: sdl2 with
# a display, else term (VGA text in this terminal); BOCHS_DISPLAY='rfb, options="timeout=0"'
# runs headless (Debian's Bochs has no nogui). COM1 goes to build/boot/bochs-com1.log.
BOCHS_DISPLAY ?= $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY)),sdl2,term)
bochs: deps-bochs $(IMAGE)
	@mkdir -p $(BUILD)/boot
	bochs -q -f bochsrc 'display_library: $(BOCHS_DISPLAY)' \
	  $(if $(filter-out disk.img,$(IMAGE)),'ata0-master: type=disk, path="$(IMAGE)", mode=flat')

# --- test kernels -----------------------------------------------------------------------------
BOOT_TK := $(BUILD)/boot/tk
$(BOOT_TK)/%.o: tests/boot/%.asm tests/boot/tap.inc $(NASM_INCS)
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -Itests/boot/ -f elf32 -o $@ $<
$(BOOT_TK)/entry.elf: $(BOOT_TK)/entry.o tests/boot/kernel.ld
	ld -m elf_i386 --no-warn-rwx-segments -T tests/boot/kernel.ld --defsym=LOAD_BASE=0x100000 --defsym=PAD_SIZE=0 -o $@ $<
$(BOOT_TK)/entry-high.elf: $(BOOT_TK)/entry.o tests/boot/kernel.ld
	ld -m elf_i386 --no-warn-rwx-segments -T tests/boot/kernel.ld --defsym=LOAD_BASE=0x40000000 --defsym=PAD_SIZE=0 -o $@ $<
# Straddles the end of usable RAM at -m 128 (SeaBIOS: usable up to 0x7FDFFFF, then reserved).
$(BOOT_TK)/entry-edge.elf: $(BOOT_TK)/entry.o tests/boot/kernel.ld
	ld -m elf_i386 --no-warn-rwx-segments -T tests/boot/kernel.ld --defsym=LOAD_BASE=0x7FDF000 --defsym=PAD_SIZE=0 -o $@ $<
$(BOOT_TK)/pad32.elf: $(BOOT_TK)/entry.o tests/boot/kernel.ld
	ld -m elf_i386 --no-warn-rwx-segments -T tests/boot/kernel.ld --defsym=LOAD_BASE=0x100000 \
	  --defsym=PAD_SIZE=0x2000000 -o $@ $<
$(BOOT_TK)/kludge.bin: tests/boot/entry.asm tests/boot/tap.inc $(NASM_INCS)
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -Itests/boot/ -DKLUDGE -f bin -o $@ $<
# The Multiboot2 probe: ELF, and a flat binary with the address and entry tags.
$(BOOT_TK)/mb2probe.elf: $(BOOT_TK)/mb2probe.o tests/boot/kernel.ld
	ld -m elf_i386 --no-warn-rwx-segments -T tests/boot/kernel.ld --defsym=LOAD_BASE=0x100000 --defsym=PAD_SIZE=0 -o $@ $<
$(BOOT_TK)/mb2probe-reloc.o: tests/boot/mb2probe.asm tests/boot/tap.inc $(NASM_INCS)
	$(NASM) $(NASMFLAGS) -Itests/boot/ -DRELOC -f elf32 -o $@ $<
$(BOOT_TK)/mb2probe-reloc.elf: $(BOOT_TK)/mb2probe-reloc.o tests/boot/kernel.ld
	ld -m elf_i386 --no-warn-rwx-segments -T tests/boot/kernel.ld --defsym=LOAD_BASE=0x100000 --defsym=PAD_SIZE=0 -o $@ $<
$(BOOT_TK)/mb2probe-addr.bin: tests/boot/mb2probe.asm tests/boot/tap.inc $(NASM_INCS)
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -Itests/boot/ -DADDR -f bin -o $@ $<
$(BUILD)/boot/bench-limit.bin: bench/boot/limit.asm $(NASM_INCS)
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -f bin -o $@ $<

BOOT_TEST_KERNELS := $(BOOT_TK)/entry.elf $(BOOT_TK)/entry-high.elf $(BOOT_TK)/entry-edge.elf $(BOOT_TK)/kludge.bin $(BOOT_TK)/pad32.elf \
	$(BOOT_TK)/mb2probe.elf $(BOOT_TK)/mb2probe-addr.bin $(BOOT_TK)/mb2probe-reloc.elf
# The map comparison, controller and Bochs tests boot our kernel too (rule: mk/kernel.mk).
TEST_PREREQS += $(BOOT_S1) $(BOOT_S2) $(BOOT_TEST_KERNELS) $(BUILD)/kernel/kernel.elf

# --- bench ------------------------------------------------------------------------------------
.PHONY: bench-boot
bench-boot: deps-bench $(BOOT_S1) $(BOOT_S2) $(BOOT_TK)/entry.elf $(BOOT_TK)/pad32.elf \
	    $(BUILD)/boot/bench-limit.bin
	$(MAKE) $(BUILD)/kernel/kernel.boot.elf
	bench/boot/run.sh
BENCH_TARGETS += bench-boot

# --- real kernels from Debian's packages (tools/deps.sh, group realkernels) --------------------
# Xen 4.17 (xen-hypervisor-4.17-amd64) with a Linux dom0 (linux-image-amd64) and a tiny initramfs
# whose /init prints a marker, and grub-invaders (an a.out-kludge Multiboot kernel). Found at
# parse time: `make test` installs the packages before its sub-make builds TEST_PREREQS.
REAL_DIR     := $(BUILD)/boot/real
XEN_GZ       := /boot/xen-4.17-amd64.gz
DOM0_VMLINUZ := $(lastword $(sort $(wildcard /boot/vmlinuz-*-amd64)))
$(REAL_DIR)/xen: $(XEN_GZ)
	@mkdir -p $(dir $@)
	zcat $< > $@
$(REAL_DIR)/vmlinuz: $(DOM0_VMLINUZ)
	@mkdir -p $(dir $@)
	cp $< $@
$(REAL_DIR)/invaders.exec: /boot/invaders.exec
	@mkdir -p $(dir $@)
	cp $< $@
$(REAL_DIR)/dom0-init: tests/boot/dom0-init.asm
	@mkdir -p $(dir $@)
	$(NASM) -Werror -f elf64 -o $@.o $<
	ld -m elf_x86_64 -static -o $@ $@.o
$(REAL_DIR)/initrd.cpio: tests/boot/initramfs.py $(REAL_DIR)/dom0-init
	python3 tests/boot/initramfs.py $@ $(REAL_DIR)/dom0-init
REAL_KERNELS := $(REAL_DIR)/xen $(REAL_DIR)/vmlinuz $(REAL_DIR)/initrd.cpio $(REAL_DIR)/invaders.exec
TEST_PREREQS += $(REAL_KERNELS)

# --- loader fuzzing ----------------------------------------------------------------------------
# tests/boot/fuzz_loader.py boots mutated probe kernels (ELF, a.out kludge, Multiboot2) through the
# loader: each must boot or end at a named error. `make test` runs a fixed seed (tests/t/19-boot-fuzz.t);
# `make fuzz-loader` (part of `make fuzz`) runs new seeds for FUZZ_SECONDS, or FUZZ_COUNT kernels.
FUZZ_SEED  ?= $(shell date +%s)
FUZZ_COUNT ?=
.PHONY: fuzz-loader
fuzz-loader: deps-run $(BOOT_S1) $(BOOT_S2) $(BOOT_TK)/entry.elf $(BOOT_TK)/kludge.bin \
	     $(BOOT_TK)/mb2probe.elf
	python3 tests/boot/fuzz_loader.py --build $(abspath $(BUILD)) --seed $(FUZZ_SEED) --jobs 2 \
	  --checker tools/mbcheck.py \
	  $(if $(FUZZ_COUNT),--count $(FUZZ_COUNT),--seconds $(FUZZ_SECONDS)) --out $(BUILD)/fuzz/loader
FUZZ_TARGETS += fuzz-loader
