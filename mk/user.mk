# mk/user.mk - user programs: the small C library in user/ (crt0, system-call wrappers with
# Linux i386 numbers, string functions, printf, test helpers) and the test programs in
# user/tests/, each a static i386 ELF executable built with `gcc -m32 -static -nostdlib`, so the
# same file runs under Linux and (later) under our kernel.
#
#   make user     build/user/<program> for every <program>.c of user/tests/, user/monitor/, user/bench/
#
# Test script: tests/t/81-user-native.t runs each program on this machine (x86-64 Linux runs
# static i386 executables) and compares its output with user/tests/<program>.out.

USER_DIR      := $(BUILD)/user
USER_CC       := gcc
# -march=i486: the same CPU floor as the kernel; no SSE, so no FPU state to set up.
USER_CFLAGS   := -m32 -march=i486 -ffreestanding -fno-pie -fno-pic -fno-stack-protector \
                 -fno-asynchronous-unwind-tables -O2 -g -std=gnu11 -Wall -Wextra -Werror \
                 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Iuser -I. -MMD -MP
USER_LDFLAGS  := -m32 -static -nostdlib -no-pie -Wl,--build-id=none -Wl,-z,noexecstack
USER_LIB_SRCS := user/crt0.S user/syscall.S user/sys.c user/printf.c user/check.c
# The string functions are the kernel's own (plain freestanding C, no kernel state).
USER_LIB_OBJS := $(patsubst user/%,$(USER_DIR)/lib/%.o,$(USER_LIB_SRCS)) $(USER_DIR)/lib/string.c.o
# user/monitor/: programs the monitor's tests drive (they leave processes behind for ps and
# kill, so no Linux run compares with them); built beside the others.
# user/bench/: the program of make bench-vm (mk/proc.mk).
USER_PROGS    := $(patsubst user/tests/%.c,$(USER_DIR)/%,$(wildcard user/tests/*.c)) \
                 $(patsubst user/monitor/%.c,$(USER_DIR)/%,$(wildcard user/monitor/*.c)) \
                 $(patsubst user/bench/%.c,$(USER_DIR)/%,$(wildcard user/bench/*.c))

.PHONY: user
user: $(USER_PROGS)

$(USER_DIR)/lib/%.o: user/% | deps-build
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -c $< -o $@

$(USER_DIR)/lib/string.c.o: kernel/lib/string.c | deps-build
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -fno-tree-loop-distribute-patterns -c $< -o $@

# The test programs' own objects; main is the only external definition they make.
$(USER_DIR)/obj/%.o: user/tests/%.c | deps-build
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(USER_DIR)/obj/%.o: user/monitor/%.c | deps-build
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(USER_DIR)/obj/%.o: user/bench/%.c | deps-build
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -Wno-missing-prototypes -c $< -o $@

# crt0 first: _start is the ELF entry point (ld's default entry symbol).
$(USER_PROGS): $(USER_DIR)/%: $(USER_DIR)/obj/%.o $(USER_LIB_OBJS)
	$(USER_CC) $(USER_LDFLAGS) -o $@ $(USER_LIB_OBJS) $< $(KLIBGCC)

-include $(USER_LIB_OBJS:.o=.d) $(patsubst $(USER_DIR)/%,$(USER_DIR)/obj/%.d,$(USER_PROGS))

TEST_PREREQS += $(USER_PROGS)
