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
