# mk/tools.mk - what users do beyond `make run`: write a USB stick, debug, draw the memory map.
#
#   make usb DEV=/dev/sdX [YES=1]   write $(IMAGE) to a USB stick, refusing unsafe targets, and
#                                   verify it by reading it back (tools/usb-write.sh, docs/usb.md)
#   make gdb                        QEMU paused with its gdb stub + gdb with kernel symbols and a
#                                   16/32-bit mode switch on CR0.PE (tools/gdbinit, docs/debugging.md)
#   make memmap                     boot headless, capture the serial log and draw the physical and
#                                   virtual memory maps as SVG (+PNG with rsvg-convert) in build/memmap/
#                                   (tools/memmap.py, docs/memmap.md)
#   make format                     rewrite the C sources of FORMAT_DIRS in the house style
#                                   (.clang-format); make format-check only lists what differs

.PHONY: usb gdb qemu-gdb memmap format format-check

# --- make format / make format-check ----------------------------------------------------------
# The directories whose C sources are held to .clang-format; tests/t/02-clang-format.t runs
# format-check on them. Extend the list as more of the tree is formatted.
FORMAT_DIRS  := kernel mm include tests bench user
CLANG_FORMAT := clang-format-14
FORMAT_FILES  = $(sort $(shell find $(FORMAT_DIRS) -name '*.[ch]'))
format: deps-format
	$(CLANG_FORMAT) -i $(FORMAT_FILES)
format-check: deps-format
	@$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_FILES) && \
	  echo "format-check: $(words $(FORMAT_FILES)) files in $(FORMAT_DIRS) match .clang-format"

# --- make usb ---------------------------------------------------------------------------------
# Refuse at parse time, before the image is built, when nobody named the stick.
ifneq ($(filter usb,$(MAKECMDGOALS)),)
ifeq ($(strip $(DEV)),)
$(error make usb: name the USB stick with DEV=/dev/sdX (list candidates: lsblk -o NAME,TRAN,RM,SIZE,MODEL))
endif
endif
usb: deps-usb $(IMAGE)
	YES="$(YES)" tools/usb-write.sh "$(DEV)" "$(IMAGE)"

# --- make memmap --------------------------------------------------------------------------------
# Boot an image of our own (the kernel command line is baked into the image by disk.img.mk) whose
# kernel prints the whole boot log and leaves QEMU through isa-debug-exit (`qemu-exit`), capture
# COM1 in $(MEMMAP_DIR)/boot.log and draw it. The isa-debug-exit port comes from include/x86.h.
# user/tests/layout runs as init and `vmexit` prints its regions as it ends: the process picture.
MEMMAP_DIR     ?= $(BUILD)/memmap
MEMMAP_INIT    ?= layout
MEMMAP_CMDLINE ?= nomonitor qemu-exit vmexit init=$(MEMMAP_INIT)
MEMMAP_TIMEOUT ?= 20
memmap: deps-run $(BUILD)/user/$(MEMMAP_INIT)
	@mkdir -p $(MEMMAP_DIR)
	rm -f $(MEMMAP_DIR)/disk.img $(MEMMAP_DIR)/boot.log
	$(MAKE) --no-print-directory image IMAGE=$(MEMMAP_DIR)/disk.img KERNEL=$(KERNEL) CMDLINE="$(MEMMAP_CMDLINE)" \
	  MODULES="$(BUILD)/user/$(MEMMAP_INIT)"
	@rc=0; timeout -k 5 $(MEMMAP_TIMEOUT) $(QEMU) -display none -no-reboot -monitor none -m $(MEM) \
	  -serial file:$(MEMMAP_DIR)/boot.log $(QEMU_EXIT_DEVICE) \
	  -drive file=$(MEMMAP_DIR)/disk.img,format=raw,if=ide </dev/null || rc=$$?; \
	case $$rc in \
	1|33) echo "memmap: boot log in $(MEMMAP_DIR)/boot.log" ;; \
	124) echo "memmap: the kernel did not leave QEMU within $(MEMMAP_TIMEOUT) s; drawing what it printed" >&2 ;; \
	*) echo "memmap: QEMU exited with status $$rc (1: init exited 0, 33: kernel passed); drawing what it printed" >&2 ;; \
	esac
	tools/memmap.py $(MEMMAP_DIR)/boot.log -o $(MEMMAP_DIR) --vmlayout include/vmlayout.h

# --- make gdb -----------------------------------------------------------------------------------
# gdb reads build/gdb/facts.gdb (every include/*.h constant as a convenience variable, e.g.
# $LOADER_MBR_ADDR, $CR0_PE: the same numbers the loader and kernel use), the i8086 target
# description (see tools/gdbinit for why), then tools/gdbinit. QEMU runs paused (-S) with its gdb
# stub on $(GDB_PORT) (-s is port 1234) and the serial console in $(GDB_DIR)/serial.log.
GDB_DIR   ?= $(BUILD)/gdb
GDB_PORT  ?= 1234
GDB_FILES := $(GDB_DIR)/facts.gdb $(GDB_DIR)/target-i8086.xml
GDB_ARGS   = -q -nx -x $(GDB_DIR)/facts.gdb -ex 'set tdesc filename $(GDB_DIR)/target-i8086.xml' \
             -x tools/gdbinit
TEST_PREREQS += $(GDB_FILES)

$(GDB_DIR)/facts.gdb: $(NASM_INCS)
	@mkdir -p $(dir $@)
	sed -n 's/^%define \([A-Za-z_][A-Za-z0-9_]*\) \([-0-9a-fA-FxXuUlL ()<>|&+*\/~]*\)$$/set $$\1 = \2/p' \
	  $(NASM_INCS) > $@.tmp && mv $@.tmp $@

# QEMU's description of its i386 registers, asked from QEMU itself, with the architecture renamed.
$(GDB_DIR)/target-i8086.xml: | deps-gdb
	@mkdir -p $(dir $@)
	@rm -f $(GDB_DIR)/tdesc.sock
	@$(QEMU) -display none -monitor none -nodefaults -S \
	  -gdb unix:$(GDB_DIR)/tdesc.sock,server=on,wait=off 2>/dev/null & qpid=$$!; \
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -S $(GDB_DIR)/tdesc.sock ] && break; sleep 0.2; done; \
	timeout 20 gdb -q -batch -nx -ex 'target remote $(GDB_DIR)/tdesc.sock' -ex 'maint print xml-tdesc' \
	  -ex kill </dev/null > $@.raw 2>&1; kill $$qpid 2>/dev/null; wait $$qpid 2>/dev/null; \
	rm -f $(GDB_DIR)/tdesc.sock; \
	sed -n '/^<?xml/,/^<\/target>/p' $@.raw \
	  | sed 's|<architecture>i386</architecture>|<architecture>i8086</architecture>|' > $@.tmp; \
	grep -q '<architecture>i8086</architecture>' $@.tmp && grep -q 'name="cr0"' $@.tmp \
	  || { echo "tools.mk: could not read QEMU's target description (see $@.raw)" >&2; rm -f $@.tmp; exit 1; }; \
	mv $@.tmp $@

# make gdb: QEMU in the background (its window when there is a display), gdb in this terminal;
# leaving gdb stops QEMU. QEMU runs in its own session (setsid) so that Ctrl-C, which gdb uses to
# interrupt the target, does not reach QEMU (QEMU quits on SIGINT).
gdb: deps-gdb $(IMAGE) $(KERNEL_DEBUG) $(GDB_FILES)
	@echo "gdb: QEMU paused at the reset vector, gdb stub on :$(GDB_PORT); serial output in $(GDB_DIR)/serial.log"
	@echo "gdb: try: loader-breaks, kernel-breaks, continue, where16, cpu-state (docs/debugging.md)"
	@setsid $(QEMU) -S -gdb tcp::$(GDB_PORT) -m $(MEM) -no-reboot -no-shutdown \
	  -display $(if $(DISPLAY),default,none) -monitor none -serial file:$(GDB_DIR)/serial.log \
	  $(QEMU_EXIT_DEVICE) \
	  -drive file=$(IMAGE),format=raw,if=ide & qpid=$$!; \
	trap 'kill $$qpid 2>/dev/null' EXIT; \
	gdb $(GDB_ARGS) -ex 'target remote localhost:$(GDB_PORT)' $(KERNEL_DEBUG)

# make qemu-gdb: only QEMU, paused, for a gdb (or IDE) started elsewhere; prints how to attach.
qemu-gdb: deps-gdb $(IMAGE) $(GDB_FILES)
	@echo "qemu-gdb: attach with: gdb $(GDB_ARGS) -ex 'target remote localhost:$(GDB_PORT)' $(KERNEL_DEBUG)"
	$(QEMU) -S -gdb tcp::$(GDB_PORT) -m $(MEM) -no-reboot -display none -monitor none -serial stdio \
	  $(QEMU_EXIT_DEVICE) -drive file=$(IMAGE),format=raw,if=ide
