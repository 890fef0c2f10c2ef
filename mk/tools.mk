# mk/tools.mk - what users do beyond `make run`: write a USB stick, debug, draw the memory map.
#
#   make usb DEV=/dev/sdX [YES=1]   write $(IMAGE) to a USB stick, refusing unsafe targets, and
#                                   verify it by reading it back (tools/usb-write.sh, docs/usb.md)
#   make gdb                        QEMU paused with its gdb stub + gdb with kernel symbols and a
#                                   16/32-bit mode switch on CR0.PE (tools/gdbinit, docs/debugging.md)
#   make memmap                     boot headless, capture the serial log and draw the physical and
#                                   virtual memory maps as SVG (+PNG with rsvg-convert) in build/memmap/
#                                   (tools/memmap.py, docs/memmap.md)

.PHONY: usb gdb gdb-print memmap

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
MEMMAP_DIR     ?= $(BUILD)/memmap
MEMMAP_CMDLINE ?= qemu-exit
MEMMAP_TIMEOUT ?= 30
QEMU_EXIT_PORT := $(shell awk '$$2 == "PORT_QEMU_EXIT" { print $$3 }' include/x86.h)
memmap: deps-run
	@mkdir -p $(MEMMAP_DIR)
	rm -f $(MEMMAP_DIR)/disk.img $(MEMMAP_DIR)/boot.log
	$(MAKE) --no-print-directory image IMAGE=$(MEMMAP_DIR)/disk.img KERNEL=$(KERNEL) CMDLINE="$(MEMMAP_CMDLINE)"
	@rc=0; timeout -k 5 $(MEMMAP_TIMEOUT) $(QEMU) -display none -no-reboot -monitor none -m $(MEM) \
	  -serial file:$(MEMMAP_DIR)/boot.log -device isa-debug-exit,iobase=$(QEMU_EXIT_PORT),iosize=4 \
	  -drive file=$(MEMMAP_DIR)/disk.img,format=raw,if=ide </dev/null || rc=$$?; \
	case $$rc in \
	33) echo "memmap: boot log in $(MEMMAP_DIR)/boot.log" ;; \
	124) echo "memmap: the kernel did not leave QEMU within $(MEMMAP_TIMEOUT) s; drawing what it printed" >&2 ;; \
	*) echo "memmap: QEMU exited with status $$rc (33 = kernel passed); drawing what it printed" >&2 ;; \
	esac
	tools/memmap.py $(MEMMAP_DIR)/boot.log -o $(MEMMAP_DIR) --vmlayout include/vmlayout.h
