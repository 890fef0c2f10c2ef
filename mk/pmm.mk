# mk/pmm.mk - the physical memory manager: memory map sanitiser and bitmap frame
# allocator (mm/memmap.c, mm/pmm*.c), their host tests, fuzzers and benchmark.
#
#   make pmm-host-tests   build the cmocka tests (ASan + UBSan) under build/host/pmm/
#   make fuzz             runs fuzz-memmap and fuzz-pmm for FUZZ_SECONDS each (corpus in build/fuzz/)
#   make bench-pmm        the frame allocator against the tutorial bitmap, -O2, no sanitizers
#
# The kernel side (kernel/mm/pmm_setup.c, tests/kernel/pmm.c) is built into kernel.elf by
# mk/kernel.mk's globs. Test scripts: tests/t/20-pmm-host.t, 21-pmm-fuzz.t, 22-pmm-kernel.t.
# All host programs link tests/host/host_env.c (simulated RAM, catchable panics).

PMM_HOST_DIR   := $(BUILD)/host/pmm
PMM_FUZZ_DIR   := $(BUILD)/fuzz
PMM_BENCH_DIR  := $(BUILD)/bench
PMM_SRCS       := mm/memmap.c mm/pmm.c mm/pmm_init.c mm/pmm_debug.c tests/host/host_env.c
PMM_HDRS       := mm/memmap.h mm/pmm.h mm/pmm_internal.h mm/mm_env.h tests/host/host_env.h include/multiboot.h
PMM_HOST_TESTS := $(PMM_HOST_DIR)/test_memmap $(PMM_HOST_DIR)/test_pmm $(PMM_HOST_DIR)/test_pmm_cost \
                  $(PMM_HOST_DIR)/test_pmm_model
PMM_FUZZERS    := $(PMM_FUZZ_DIR)/fuzz_memmap $(PMM_FUZZ_DIR)/fuzz_pmm
# The model test and the fuzzer check the allocator against the same reference model; the unit
# tests and the cost tests run on the same machines.
PMM_REF        := tests/host/pmm_ref.c tests/host/pmm_ref.h
PMM_TEST_MAPS  := tests/host/pmm_test_maps.c tests/host/pmm_test_maps.h
# One compile-and-link per program, so the per-object dependency files of HCFLAGS do not apply.
PMM_HCFLAGS    := $(filter-out -MMD -MP,$(HCFLAGS))

.PHONY: pmm-host-tests bench-pmm fuzz-memmap fuzz-pmm
pmm-host-tests: $(PMM_HOST_TESTS)

$(PMM_HOST_TESTS): $(PMM_HOST_DIR)/%: tests/host/%.c $(PMM_SRCS) $(PMM_HDRS) | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(PMM_HCFLAGS) $(SANFLAGS) -rdynamic $$(pkg-config --cflags cmocka) -o $@ \
	  $(filter %.c,$^) $$(pkg-config --libs cmocka)

$(PMM_FUZZERS): $(PMM_FUZZ_DIR)/%: tests/fuzz/%.c $(PMM_SRCS) $(PMM_HDRS) | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(PMM_HCFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -o $@ $(filter %.c,$^)

$(PMM_HOST_DIR)/test_pmm_model $(PMM_FUZZ_DIR)/fuzz_pmm: $(PMM_REF)
$(PMM_HOST_DIR)/test_pmm $(PMM_HOST_DIR)/test_pmm_cost: $(PMM_TEST_MAPS)

# `make fuzz`: each harness for FUZZ_SECONDS, keeping its corpus between runs.
fuzz-memmap fuzz-pmm: fuzz-%: $(PMM_FUZZ_DIR)/fuzz_%
	@mkdir -p $(PMM_FUZZ_DIR)/corpus-$*
	$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(PMM_FUZZ_DIR)/corpus-$*

$(PMM_BENCH_DIR)/bench_pmm: bench/bench_pmm.c bench/pmm_baseline.c bench/pmm_baseline.h $(PMM_SRCS) $(PMM_HDRS) | deps-host
	@mkdir -p $(dir $@)
	$(HCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Iinclude -I. -o $@ $(filter %.c,$^)

bench-pmm: $(PMM_BENCH_DIR)/bench_pmm
	$< | tee $(PMM_BENCH_DIR)/bench_pmm.txt

TEST_PREREQS  += $(PMM_HOST_TESTS) $(PMM_FUZZERS)
FUZZ_TARGETS  += fuzz-memmap fuzz-pmm
BENCH_TARGETS += bench-pmm
