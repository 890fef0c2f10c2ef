# mk/kernel.mk - build/kernel/kernel.elf: the Multiboot v1 and Multiboot2 kernel, its symbol
# files, and the kernel's own tests (tests/host/test_printf.c and test_bootinfo_mb2.c on the
# host, tests/fuzz/fuzz_bootinfo_mb2.c under libFuzzer; in-kernel suites boot in QEMU).
#
# Sources are globbed so other subsystems just add files: every kernel/**/*.c and *.asm, every
# mm/*.c, every tests/kernel/*.c (in-kernel suites register themselves with KTEST_SUITE).
#
# The embedded symbol table (panic reports, mm_symbol_name) is made from the kernel itself:
#   1. link kernel.pass1.elf with an empty table;
#   2. nm -> ksyms_table.c (kernel/debug/ksyms_gen.py) -> link kernel.elf with it;
#   3. regenerate the table from kernel.elf and require it to be identical (the table lives in
#      .rodata after .text, so adding it cannot move a function; this checks that it did not).
# kernel.sym is the Bochs symbol file (`ldsym global "build/kernel/kernel.sym"`).
# kernel.boot.elf is kernel.elf without its debug sections (DWARF), the kernel `make image` puts
# on the disk by default: the loader reads and checks the CRC-32 of the whole file, and DWARF is
# most of it. Its segments are kernel.elf's byte for byte, so gdb and Bochs keep reading the
# symbols and lines of kernel.elf and kernel.sym.

KERNEL_DIR   := $(BUILD)/kernel
KERNEL_OBJ   := $(KERNEL_DIR)/obj
KERNEL_ELF   := $(KERNEL_DIR)/kernel.elf
KERNEL_BOOT  := $(KERNEL_DIR)/kernel.boot.elf
KERNEL_SYM   := $(KERNEL_DIR)/kernel.sym
KERNEL_LD    := $(KERNEL_DIR)/kernel.ld
KERNEL_C     := $(sort $(shell find kernel -name '*.c') $(wildcard mm/*.c) $(wildcard tests/kernel/*.c))
KERNEL_ASM   := $(sort $(shell find kernel -name '*.asm'))
KERNEL_OBJS  := $(patsubst %.c,$(KERNEL_OBJ)/%.o,$(KERNEL_C)) \
                $(patsubst %.asm,$(KERNEL_OBJ)/%.asm.o,$(KERNEL_ASM))
KERNEL_LINK   = $(KCC) $(KLDFLAGS) -Wl,-z,max-page-size=4096 -Wl,--fatal-warnings \
                -T $(KERNEL_LD) -o $@ $(KERNEL_OBJS) $(1) $(KLIBGCC)

.PHONY: kernel
kernel: $(KERNEL_ELF) $(KERNEL_BOOT) $(KERNEL_SYM)

$(KERNEL_OBJ)/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) -c $< -o $@

# The C library functions must not be turned back into calls to themselves (GCC's loop
# distribution recognises memset/memcpy/strlen-like loops even with -ffreestanding).
$(KERNEL_OBJ)/kernel/lib/string.o: KCFLAGS += -fno-tree-loop-distribute-patterns

# The linker script: kernel/kernel.ld.S through the C preprocessor, so its addresses and sizes come
# from include/ and kernel/layout.h (only their plain #defines: __ASSEMBLER__ hides the C parts).
$(KERNEL_LD): kernel/kernel.ld.S | deps-build
	@mkdir -p $(dir $@)
	$(KCC) -E -P -undef -nostdinc -D__ASSEMBLER__ -x c -Iinclude -I. -MMD -MP -MT $@ -MF $@.d $< -o $@

-include $(KERNEL_LD).d

$(KERNEL_OBJ)/%.asm.o: %.asm $(NASM_INCS) | deps-build
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -f elf32 -MD $(@:.o=.d) -MP $< -o $@

$(KERNEL_DIR)/ksyms_empty.c: kernel/debug/ksyms_gen.py
	@mkdir -p $(dir $@)
	python3 kernel/debug/ksyms_gen.py > $@

$(KERNEL_DIR)/kernel.pass1.elf: $(KERNEL_OBJS) $(KERNEL_OBJ)/ksyms_empty.o $(KERNEL_LD)
	$(call KERNEL_LINK,$(KERNEL_OBJ)/ksyms_empty.o)

$(KERNEL_OBJ)/ksyms_empty.o: $(KERNEL_DIR)/ksyms_empty.c
	$(KCC) $(KCFLAGS) -c $< -o $@
$(KERNEL_OBJ)/ksyms_table.o: $(KERNEL_DIR)/ksyms_table.c
	$(KCC) $(KCFLAGS) -c $< -o $@

$(KERNEL_DIR)/ksyms_table.c: $(KERNEL_DIR)/kernel.pass1.elf kernel/debug/ksyms_gen.py
	nm -n -S --defined-only $< > $(KERNEL_DIR)/kernel.pass1.nm
	python3 kernel/debug/ksyms_gen.py $(KERNEL_DIR)/kernel.pass1.nm > $@

# The final link, then the checks: the table is stable, the Multiboot header really sits
# 4-aligned within the first 8 KiB of the file with a valid checksum (spec 3.1.1), both headers
# pass the loader's own checks (tools/mbcheck.py, once per protocol: Multiboot2's 8-byte
# alignment, 32 KiB window, checksum and tags included), and the
# higher-half layout is one loaders can boot (tools/kernel_layout_check.py: the entry inside the
# first PT_LOAD, linked where it loads; the others at KERNEL_VIRT_BASE + load address; the code
# that runs before paging, mm/paging_boot.c, free of relocations).
KERNEL_VIRT_BASE := $(shell awk '$$1 == "#define" && $$2 == "KERNEL_VIRT_BASE" { print $$3 }' include/vmlayout.h)
$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_OBJ)/ksyms_table.o $(KERNEL_LD) tools/kernel_layout_check.py tools/mbcheck.py
	$(call KERNEL_LINK,$(KERNEL_OBJ)/ksyms_table.o)
	nm -n -S --defined-only $@ > $(KERNEL_DIR)/kernel.nm
	python3 kernel/debug/ksyms_gen.py $(KERNEL_DIR)/kernel.nm > $(KERNEL_DIR)/ksyms_check.c
	@cmp -s $(KERNEL_DIR)/ksyms_table.c $(KERNEL_DIR)/ksyms_check.c || \
	  { echo "kernel.mk: embedded symbol table moved between links" >&2; \
	    diff $(KERNEL_DIR)/ksyms_table.c $(KERNEL_DIR)/ksyms_check.c | head >&2; rm -f $@; false; }
	@python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(8192); \
	  ok=[o for o in range(0,len(d)-11,4) if struct.unpack_from("<I",d,o)[0]==0x1BADB002 \
	      and sum(struct.unpack_from("<3I",d,o)) & 0xffffffff == 0]; \
	  sys.exit(0 if ok else "kernel.mk: no valid Multiboot header in the first 8 KiB of "+sys.argv[1])' $@ \
	  || { rm -f $@; false; }
	@for p in multiboot multiboot2; do python3 tools/mbcheck.py --protocol $$p $@ >/dev/null \
	  || { rm -f $@; exit 1; }; done
	@python3 tools/kernel_layout_check.py $@ $(KERNEL_OBJ)/mm/paging_boot.o $(KERNEL_VIRT_BASE) \
	  || { rm -f $@; false; }

$(KERNEL_BOOT): $(KERNEL_ELF)
	objcopy --strip-debug $< $@

# Bochs symbol file: "<hex address> <name>" per line, every defined non-absolute symbol.
$(KERNEL_SYM): $(KERNEL_ELF)
	nm -n --defined-only $< | awk '$$2 !~ /^[aA]$$/ { print $$1, $$3 }' > $@

-include $(KERNEL_OBJS:.o=.d)

TEST_PREREQS += $(KERNEL_ELF) $(KERNEL_BOOT) $(KERNEL_SYM)

# --- host test of the formatter: kernel/lib/printf.c against the host's snprintf ----------------------
KERNEL_HOST_DIR := $(BUILD)/host/kernel
KERNEL_TEST_PRINTF := $(KERNEL_HOST_DIR)/test_printf

$(KERNEL_TEST_PRINTF): tests/host/test_printf.c kernel/lib/printf.c kernel/lib/printf.h | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(SANFLAGS) -o $@ $(filter %.c,$^) -lcmocka

# --- host test of the Multiboot2 walk: kernel/core/bootinfo_mb2.c on hand-made information -----
KERNEL_TEST_MB2 := $(KERNEL_HOST_DIR)/test_bootinfo_mb2

$(KERNEL_TEST_MB2): tests/host/test_bootinfo_mb2.c kernel/core/bootinfo_mb2.c \
		kernel/core/bootinfo_mb2.h include/multiboot.h include/multiboot2.h | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(SANFLAGS) -o $@ $(filter %.c,$^) -lcmocka

TEST_PREREQS += $(KERNEL_TEST_PRINTF) $(KERNEL_TEST_MB2)

# --- libFuzzer harness of the same walk (tests/fuzz/fuzz_bootinfo_mb2.c): a smoke run in
# tests/t/30-bootinfo-mb2.t, `make fuzz` runs it for FUZZ_SECONDS with a corpus under build/fuzz/.
KERNEL_FUZZ_MB2 := $(BUILD)/fuzz/fuzz_bootinfo_mb2

$(KERNEL_FUZZ_MB2): tests/fuzz/fuzz_bootinfo_mb2.c kernel/core/bootinfo_mb2.c \
		kernel/core/bootinfo_mb2.h include/multiboot.h include/multiboot2.h | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(filter-out -MMD -MP,$(HCFLAGS)) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $(filter %.c,$^)

.PHONY: fuzz-bootinfo-mb2
fuzz-bootinfo-mb2: $(KERNEL_FUZZ_MB2)
	@mkdir -p $(BUILD)/fuzz/corpus-bootinfo-mb2
	$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(BUILD)/fuzz/corpus-bootinfo-mb2

TEST_PREREQS += $(KERNEL_FUZZ_MB2)
FUZZ_TARGETS += fuzz-bootinfo-mb2
