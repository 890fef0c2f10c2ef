# mk/paging.mk - paging: host tests of mm/paging.c + mm/vmspace.c, the Bochs debugger
# session and its scripted test.
#
#   make bochs-debug     Bochs with its internal debugger on disk.img: kernel symbols loaded from
#                        build/kernel/kernel.sym, stops at the magic breakpoint (xchg bx, bx) right
#                        before the CR3 load; docs/paging.md walks through the session.
#
# The kernel side (mm/*.c, kernel/mm/paging_setup.c, kernel/mm/pagefault.c, kernel/arch/x86/
# paging_enable.asm, kernel/core/entry.asm's switch to the higher half, tests/kernel/paging.c) is
# built into kernel.elf by mk/kernel.mk's globs.
# Test scripts: tests/t/50-paging-host.t .. 5x-*.t.

PAGING_HOST_DIR   := $(BUILD)/host/paging
PAGING_SIM_TESTS  := $(PAGING_HOST_DIR)/test_paging $(PAGING_HOST_DIR)/test_paging_boot \
                     $(PAGING_HOST_DIR)/test_vmspace
PAGING_HOST_TESTS := $(PAGING_SIM_TESTS) $(PAGING_HOST_DIR)/test_paging_pmm
PAGING_MM_SRCS    := mm/paging.c mm/paging_boot.c mm/vmspace.c mm/paging_describe.c mm/kmap.c

# These bring their own simulated machine (tests/host/paging_sim.c: RAM array, frame allocator,
# CR3/INVLPG recorders).
$(PAGING_SIM_TESTS): $(PAGING_HOST_DIR)/%: tests/host/%.c tests/host/paging_sim.c \
		tests/host/paging_sim.h $(PAGING_MM_SRCS) mm/paging.h mm/paging_internal.h include/mmu.h \
		include/vmlayout.h | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(SANFLAGS) $$(pkg-config --cflags cmocka) -o $@ $(filter %.c,$^) \
	  $$(pkg-config --libs cmocka)

# On the real PMM (mm/pmm*.c) and the shared host environment (tests/host/host_env.c).
$(PAGING_HOST_DIR)/test_paging_pmm: tests/host/test_paging_pmm.c $(PAGING_MM_SRCS) mm/pmm.c mm/pmm_init.c \
		mm/pmm_debug.c mm/memmap.c tests/host/host_env.c mm/paging.h mm/pmm.h mm/pmm_internal.h \
		tests/host/host_env.h | deps-host
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(SANFLAGS) $$(pkg-config --cflags cmocka) -rdynamic -o $@ $(filter %.c,$^) \
	  $$(pkg-config --libs cmocka) -ldl

-include $(PAGING_HOST_TESTS:=.d)

TEST_PREREQS += $(PAGING_HOST_TESTS)

# --- make bochs-debug ---------------------------------------------------------------------------
# The bochsrc is made from tests/boot/bochsrc-paging.in (shared with tests/t/54-paging-bochs.t):
# the image, the symbol file, COM1 into build/paging/com1.log, and the display: SDL2 when there is
# an X display, else VNC (rfb, timeout=0: Bochs does not wait for a viewer; one may connect to
# localhost:5900). tests/boot/bochs-debug.rc continues to the first magic breakpoint, then the
# debugger prompt is yours (docs/paging.md: s, creg, info tab, page, xp, x).
PAGING_BOCHS_DIR     := $(BUILD)/paging
BOCHS_DEBUG_DISPLAY  ?= $(if $(DISPLAY),sdl2,rfb$(paging_comma) options="timeout=0")
paging_comma := ,

.PHONY: bochs-debug
bochs-debug: $(IMAGE) $(KERNEL_SYM) tests/boot/bochsrc-paging.in tests/boot/bochs-debug.rc | deps-bochs
	@mkdir -p $(PAGING_BOCHS_DIR)
	sed -e 's|@IMAGE@|$(abspath $(IMAGE))|' -e 's|@DISPLAY@|$(BOCHS_DEBUG_DISPLAY)|' \
	    -e 's|@SYMBOLS@|$(abspath $(KERNEL_SYM))|' -e 's|@COM1@|$(abspath $(PAGING_BOCHS_DIR))/com1.log|' \
	    -e 's|@LOG@|$(abspath $(PAGING_BOCHS_DIR))/bochs.log|' tests/boot/bochsrc-paging.in \
	    > $(PAGING_BOCHS_DIR)/bochsrc-debug
	@echo "bochs-debug: stops before the CR3 load; 'c': before the CR0 write, 'c': after the jump high, 'c': identity dropped."
	@echo "bochs-debug: COM1 goes to $(PAGING_BOCHS_DIR)/com1.log; docs/paging.md has the walkthrough."
	@# Bochs 2.7 sometimes crashes on `quit` after a good session: report the status, do not fail.
	bochs -q -f $(PAGING_BOCHS_DIR)/bochsrc-debug -rc tests/boot/bochs-debug.rc || \
	  echo "bochs-debug: Bochs exited with status $$?"
