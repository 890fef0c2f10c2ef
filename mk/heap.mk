# mk/heap.mk - the kernel heap: host unit tests (cmocka, ASan + UBSan) built with and
# without HEAP_DEBUG, the libFuzzer harness and the benchmark.
#
#   make heap-host-tests  build/host/heap/test_heap{,_policy,_model,_misuse}_{debug,release}
#   make fuzz-heap        the fuzzer for FUZZ_SECONDS (corpus in build/fuzz/corpus-heap)
#   make bench-heap       ours (debug off and on) vs glibc, jemalloc, mimalloc; -O2, no sanitizers
#
# The kernel side (mm/heap*.c, kernel/mm/heap_setup.c, tests/kernel/heap.c) is built into
# kernel.elf by mk/kernel.mk's globs. Test scripts: tests/t/40-heap-*.t .. 4x.

HEAP_HOST_DIR  := $(BUILD)/host/heap
HEAP_FUZZ_DIR  := $(BUILD)/fuzz
HEAP_BENCH_DIR := $(BUILD)/bench
HEAP_SRCS      := mm/heap.c mm/heap_grow.c mm/heap_realloc.c mm/heap_debug.c mm/heap_kmalloc.c \
                  tests/host/test_heap_arena.c
HEAP_HDRS      := mm/heap.h mm/heap_block.h mm/heap_tlsf.h mm/kmalloc.h mm/mm_env.h \
                  tests/host/test_heap_arena.h tests/host/host_env.h
# The heap's host programs need only logging, panics (printed, then abort: the misuse tests
# read them from a child process) and symbol names: the shared host env provides them.
HEAP_ENV       := tests/host/host_env.c
HEAP_HCFLAGS   := $(filter-out -MMD -MP,$(HCFLAGS))
HEAP_TEST_PROGS := test_heap test_heap_policy test_heap_model test_heap_misuse
HEAP_HOST_TESTS := $(foreach t,$(HEAP_TEST_PROGS),$(HEAP_HOST_DIR)/$(t)_debug \
                   $(HEAP_HOST_DIR)/$(t)_release)
HEAP_FIXTURE   := tests/host/test_heap_fixture.c tests/host/test_heap_fixture.h
HEAP_FUZZER    := $(HEAP_FUZZ_DIR)/fuzz_heap

.PHONY: heap-host-tests fuzz-heap bench-heap
heap-host-tests: $(HEAP_HOST_TESTS)

# Each test program twice: with the debug checks and without.
define heap_host_test
	@mkdir -p $(dir $@)
	$(HCC) $(HEAP_HCFLAGS) $(SANFLAGS) $(1) -rdynamic $$(pkg-config --cflags cmocka) \
	  -o $@ $(filter %.c,$^) -ldl $$(pkg-config --libs cmocka)
endef
$(HEAP_HOST_DIR)/%_debug: tests/host/%.c $(HEAP_FIXTURE) $(HEAP_SRCS) $(HEAP_ENV) $(HEAP_HDRS) | deps-host
	$(call heap_host_test,-DHEAP_DEBUG=1)
$(HEAP_HOST_DIR)/%_release: tests/host/%.c $(HEAP_FIXTURE) $(HEAP_SRCS) $(HEAP_ENV) $(HEAP_HDRS) | deps-host
	$(call heap_host_test,-DHEAP_DEBUG=0)

$(HEAP_FUZZER): tests/fuzz/fuzz_heap.c $(HEAP_SRCS) $(HEAP_ENV) $(HEAP_HDRS) | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(HEAP_HCFLAGS) -DHEAP_DEBUG=1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $(filter %.c,$^) -ldl

fuzz-heap: $(HEAP_FUZZER)
	@mkdir -p $(HEAP_FUZZ_DIR)/corpus-heap
	$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(HEAP_FUZZ_DIR)/corpus-heap

# The benchmark links our heap twice: bench/bench_heap_debug.c compiles it with HEAP_DEBUG=1
# under renamed symbols. jemalloc and mimalloc are dlopen'ed (RTLD_LOCAL) so that neither
# replaces glibc's malloc in this process.
$(HEAP_BENCH_DIR)/bench_heap: bench/bench_heap.c bench/bench_heap_debug.c bench/bench_heap_trace.c \
		bench/bench_heap.h $(HEAP_SRCS) $(HEAP_ENV) $(HEAP_HDRS) | deps-bench
	@mkdir -p $(dir $@)
	$(HCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Iinclude -I. -DHEAP_DEBUG=0 \
	  -o $@ $(filter-out mm/heap_kmalloc.c,$(filter %.c,$^)) -ldl -lm

bench-heap: $(HEAP_BENCH_DIR)/bench_heap
	$< | tee $(HEAP_BENCH_DIR)/bench_heap.txt

TEST_PREREQS  += $(HEAP_HOST_TESTS) $(HEAP_FUZZER)
FUZZ_TARGETS  += fuzz-heap
BENCH_TARGETS += bench-heap
