# mk/monitor.mk - the kernel monitor's host tests.
#
# The monitor's kernel sources (kernel/monitor/, kernel/drivers/keyboard.c, serial_input.c) are
# built into kernel.elf by mk/kernel.mk's glob. Here: the plain-C parts (line editor, tokenizer,
# number parser, dispatcher) built for the host with ASan and UBSan and tested with cmocka
# (tests/t/70-monitor-host.t runs them; 71-... drive the real monitor in QEMU).

MON_HOST_DIR   := $(BUILD)/host/monitor
MON_HOST_TESTS := $(MON_HOST_DIR)/test_monitor_line $(MON_HOST_DIR)/test_monitor_parse

$(MON_HOST_DIR)/test_monitor_line: tests/host/test_monitor_line.c kernel/monitor/line.c
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(SANFLAGS) -o $@ $(filter %.c,$^) -lcmocka

$(MON_HOST_DIR)/test_monitor_parse: tests/host/test_monitor_parse.c kernel/monitor/parse.c \
		kernel/monitor/cmd.c
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(SANFLAGS) -o $@ $(filter %.c,$^) -lcmocka

-include $(MON_HOST_TESTS:=.d)

TEST_PREREQS += $(MON_HOST_TESTS)
