# mk/proc.mk - the generic side of processes: a process's address space as policy (mm/uvm*.c:
# regions, page-fault decisions, fork/exit/brk/mmap/munmap/mprotect), the copy-on-write counts
# (mm/cow.c) and the checked user-memory access (mm/uaccess.c), tested on the host with cmocka,
# ASan and UBSan over the real PMM and page tables in simulated RAM.
#
#   make proc-host-tests   build/host/proc/test_uvm_region, test_uvm_space, test_uvm_model
#   make fuzz-syscall      the system-call layer's libFuzzer harness for FUZZ_SECONDS (corpus in
#                          build/fuzz/corpus-syscall)
#   make bench-vm          our kernel against Linux on the same user program (bench/vm/run.sh,
#                          user/bench/vmbench.c; docs/processes.md, Benchmark)
#
# The same mm/ files are built into kernel.elf by mk/kernel.mk's glob. Test scripts:
# tests/t/80-proc-host.t, tests/t/83-syscall-fuzz.t.

PROC_HOST_DIR   := $(BUILD)/host/proc
PROC_HOST_TESTS := $(PROC_HOST_DIR)/test_uvm_region $(PROC_HOST_DIR)/test_uvm_space \
                   $(PROC_HOST_DIR)/test_uvm_model
PROC_SRCS       := mm/uvm_region.c mm/uvm_fault.c mm/uvm_space.c mm/cow.c mm/uaccess.c \
                   mm/kmap.c mm/paging.c mm/vmspace.c mm/paging_describe.c mm/pmm.c mm/pmm_init.c \
                   mm/pmm_debug.c mm/memmap.c tests/host/host_env.c tests/host/test_uvm_machine.c
PROC_HDRS       := mm/uvm.h mm/cow.h mm/uaccess.h mm/kmap.h mm/paging.h mm/paging_internal.h \
                   mm/pmm.h mm/pmm_internal.h mm/memmap.h mm/mm_env.h include/mmu.h include/vmlayout.h \
                   tests/host/host_env.h tests/host/test_uvm_machine.h
PROC_HCFLAGS    := $(filter-out -MMD -MP,$(HCFLAGS))

.PHONY: proc-host-tests
proc-host-tests: $(PROC_HOST_TESTS)

$(PROC_HOST_TESTS): $(PROC_HOST_DIR)/%: tests/host/%.c $(PROC_SRCS) $(PROC_HDRS) | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(PROC_HCFLAGS) $(SANFLAGS) -rdynamic $$(pkg-config --cflags cmocka) -o $@ \
	  $(filter %.c,$^) $$(pkg-config --libs cmocka) -ldl

# The fuzzer compiles the kernel's own system-call files for the host (tests/fuzz/fuzz_syscall.c
# fakes the process table, the console and the module loader around them).
PROC_FUZZER     := $(BUILD)/fuzz/fuzz_syscall
PROC_FUZZ_SRCS  := kernel/proc/syscall.c kernel/proc/exec_args.c
PROC_FUZZ_HDRS  := kernel/proc/syscall.h kernel/proc/exec_args.h kernel/proc/exec.h \
                   kernel/proc/proc.h kernel/arch/x86/trap_frame.h kernel/console/console.h \
                   kernel/lib/printf.h

$(PROC_FUZZER): tests/fuzz/fuzz_syscall.c $(PROC_FUZZ_SRCS) $(PROC_SRCS) $(PROC_HDRS) \
		$(PROC_FUZZ_HDRS) | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(PROC_HCFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  $$(pkg-config --cflags cmocka) -o $@ $(filter %.c,$^) $$(pkg-config --libs cmocka)

.PHONY: fuzz-syscall
fuzz-syscall: $(PROC_FUZZER)
	@mkdir -p $(BUILD)/fuzz/corpus-syscall
	$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(BUILD)/fuzz/corpus-syscall \
	    tests/fuzz/seeds-syscall

TEST_PREREQS += $(PROC_HOST_TESTS) $(PROC_FUZZER)
FUZZ_TARGETS += fuzz-syscall

# --- bench: the same static program as pid 1 under our kernel and under Debian's Linux kernel ----
.PHONY: bench-vm
bench-vm: deps-bench $(BUILD)/kernel/kernel.elf $(BUILD)/user/vmbench
	@mkdir -p $(BUILD)/bench
	bench/vm/run.sh | tee $(BUILD)/bench/vm.txt
BENCH_TARGETS += bench-vm
