# mk/common.mk - toolchains, flags, generated NASM includes and the tool checks shared by every
# other fragment. Fragments add their outputs to TEST_PREREQS (built before `make test` runs)
# and BENCH_TARGETS.

SHELL := /bin/bash

# --- tools: tools/deps.sh checks them, installs them as root, or names what is missing ---------
.PHONY: deps-build deps-run deps-test deps-bench deps-bochs deps-gdb deps-usb deps-host deps-format
deps-build: ; @tools/deps.sh build
deps-run:   ; @tools/deps.sh build run
deps-test:  ; @tools/deps.sh build run bochs host test gdb usb
deps-bench: ; @tools/deps.sh build run host bench
deps-bochs: ; @tools/deps.sh build bochs
deps-gdb:   ; @tools/deps.sh build run gdb
deps-usb:   ; @tools/deps.sh usb
deps-host:  ; @tools/deps.sh build host
deps-format: ; @tools/deps.sh format

# --- the i386 freestanding toolchain (the host gcc with -m32; libgcc from gcc-multilib) -------
# -march=i486: the kernel must run on CPUs without PSE, CMOV or SSE (QEMU -cpu 486).
KCC      := gcc
KCFLAGS  := -m32 -march=i486 -ffreestanding -fno-pie -fno-pic -fno-stack-protector \
            -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -mno-mmx -mno-sse -mno-sse2 \
            -mno-80387 -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Iinclude -I. -MMD -MP
KLDFLAGS := -m32 -nostdlib -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--warn-common
KLIBGCC   = $(shell $(KCC) -m32 -print-libgcc-file-name)
NASM     := nasm
NASMFLAGS = -Werror -I$(BUILD)/inc/ -Iboot/ -Ikernel/

# --- the host toolchain for mm/ unit tests, fuzzers and benchmarks ----------------------------
HCC      := clang
HCFLAGS  := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wshadow -Iinclude -I. -MMD -MP
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# --- one source of truth: include/*.h -> build/inc/*.inc for NASM ------------------------------
# The C preprocessor evaluates the header with __ASSEMBLER__ defined (C-only parts drop out);
# every object-like macro it defines becomes a NASM %define.
SHARED_HEADERS := $(wildcard include/*.h)
NASM_INCS      := $(patsubst include/%.h,$(BUILD)/inc/%.inc,$(SHARED_HEADERS))
$(BUILD)/inc/%.inc: include/%.h
	@mkdir -p $(dir $@)
	$(KCC) -E -dM -undef -nostdinc -D__ASSEMBLER__ -x c $< \
	  | grep -v -e '^#define __' -e '^#define [A-Za-z0-9_]*(' -e '^#define INCLUDE_' \
	  | sed 's/^#define /%define /' | sort > $@.tmp && mv $@.tmp $@

# QEMU's isa-debug-exit device on the port include/x86.h names: the kernel leaves QEMU through it
# with status (value << 1) | 1 (33 pass, 35 fail).
QEMU_EXIT_PORT   := $(shell awk '$$2 == "PORT_QEMU_EXIT" { print $$3 }' include/x86.h)
QEMU_EXIT_DEVICE := -device isa-debug-exit,iobase=$(QEMU_EXIT_PORT),iosize=4

TEST_PREREQS  :=
BENCH_TARGETS :=
# `make fuzz` runs every harness in FUZZ_TARGETS for FUZZ_SECONDS each (make fuzz FUZZ_SECONDS=600).
FUZZ_TARGETS  :=
FUZZ_SECONDS  ?= 60
