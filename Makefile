# Makefile - the project's entry points. Read README.md first.
#
#   make / make image   build disk.img: our loader plus a Multiboot kernel
#   make run            boot disk.img in QEMU (serial console in this terminal when there is no display)
#   make test           the whole suite: host unit tests, fuzz smoke runs, boot tests in QEMU and Bochs
#   make bench          every benchmark (bench-boot, bench-pmm, bench-heap, bench-vm)
#   make fuzz           every libFuzzer harness, FUZZ_SECONDS each
#   make clean
#
# Each subsystem keeps its rules in mk/<name>.mk; the image recipe is disk.img.mk. Tools are
# checked (and installed when root) by tools/deps.sh, called from the stamp rules below.

.DEFAULT_GOAL := image
BUILD   := build
# Images carry our kernel without its debug sections (mk/kernel.mk); gdb reads the full one.
KERNEL  ?= $(BUILD)/kernel/kernel.boot.elf
KERNEL_DEBUG ?= $(if $(filter $(BUILD)/kernel/kernel.boot.elf,$(KERNEL)),$(BUILD)/kernel/kernel.elf,$(KERNEL))
CMDLINE ?=
IMAGE   ?= disk.img
QEMU    ?= qemu-system-i386
MEM     ?= 128

include mk/common.mk
-include $(sort $(filter-out mk/common.mk,$(wildcard mk/*.mk)))
include disk.img.mk

.PHONY: image all test bench clean
image: deps-build $(IMAGE)
all: image

# The test suite: every tests/t/*.t prints TAP; prove runs them and decides.
# Test scripts find the built artefacts through these variables.
export BUILD QEMU
.PHONY: test-prereqs
test-prereqs: $(TEST_PREREQS)
test: deps-test
	$(MAKE) test-prereqs
	@mkdir -p $(BUILD)
	prove --timer -j2 -v tests/t/ 2>&1 | tee $(BUILD)/test.log; exit $${PIPESTATUS[0]}

bench: $(BENCH_TARGETS)

.PHONY: fuzz
fuzz: $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) disk.img
