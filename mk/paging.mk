# mk/paging.mk - paging (issue 4): host tests of mm/paging.c + mm/vmspace.c, the Bochs debugger
# session and its scripted test.
#
#   make bochs-debug     Bochs with its internal debugger on disk.img: kernel symbols loaded from
#                        build/kernel/kernel.sym, stops at the magic breakpoint (xchg bx, bx) right
#                        before the CR3 load; docs/paging.md walks through the session.
#
# The kernel side (mm/*.c, kernel/paging_setup.c, kernel/pagefault.c, kernel/arch/x86/
# paging_enable.asm, tests/kernel/paging.c) is built into kernel.elf by mk/kernel.mk's globs.
# Test scripts: tests/t/50-paging-host.t .. 5x-*.t.

PAGING_HOST_DIR   := $(BUILD)/host/paging
PAGING_HOST_TESTS := $(PAGING_HOST_DIR)/test_paging
PAGING_MM_SRCS    := mm/paging.c mm/vmspace.c mm/paging_describe.c

# The test brings its own simulated machine (RAM array, frame allocator, CR3/INVLPG recorders).
$(PAGING_HOST_DIR)/test_paging: tests/host/test_paging.c $(PAGING_MM_SRCS) | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(SANFLAGS) $$(pkg-config --cflags cmocka) -o $@ $(filter %.c,$^) \
	  $$(pkg-config --libs cmocka)

-include $(PAGING_HOST_TESTS:=.d)

TEST_PREREQS += $(PAGING_HOST_TESTS)
