/*
 * host_env.h - the host implementation of mm/mm_env.h (tests/host/host_env.c) and its controls.
 *
 * Any host test, fuzzer or benchmark of mm/ code links tests/host/host_env.c and gets:
 *   simulated physical RAM: mm_phys_to_virt(pa) == host_ram_base() + pa. The RAM is an anonymous
 *     MAP_NORESERVE mapping (zero filled, pages only cost memory once touched), created on first
 *     use with HOST_RAM_DEFAULT bytes (4 GiB: every 32-bit address is valid) or explicitly with
 *     host_ram_init(bytes) (which also discards the old contents). An address at or beyond the
 *     size is a bug in the code under test: mm_panic("mm_phys_to_virt: ...").
 *   mm_log: to stderr (unless host_log_quiet) and appended to a capture buffer (host_log_text(),
 *     cleared by host_log_clear(); keeps the first HOST_LOG_CAPACITY-1 bytes). A benchmark sets
 *     host_log_quiet and host_log_nocapture so that logging costs nothing.
 *   mm_panic: formats the message into host_panic_msg, counts it in host_panic_count, then
 *     - if a test armed a catcher (HOST_EXPECT_PANIC below, or host_panic_jmp set by hand),
 *       longjmps there (the catcher is disarmed first, so a second panic is not caught twice);
 *     - else calls host_panic_hook if set (it must not return; e.g. cmocka's fail_msg);
 *     - else prints "PANIC: <message>" to stderr and abort()s.
 *   mm_load_cr3 / mm_invlpg: recorded (host_cr3_last/host_cr3_count, host_invlpg_last/
 *     host_invlpg_count and the last HOST_INVLPG_LOG addresses in host_invlpg_log[]).
 *   mm_symbol_name: dladdr (needs -rdynamic to see non-static functions of the executable).
 *
 * Usage in a cmocka test:
 *     bool panicked = HOST_EXPECT_PANIC(pmm_free_frame(pa));
 *     assert_true(panicked);
 *     assert_non_null(strstr(host_panic_msg, "0x00200000"));
 * Code run inside HOST_EXPECT_PANIC is abandoned half-way by the longjmp: only use it for calls
 * that are meant to panic, and re-initialise the module under test if it may have been left
 * inconsistent.
 */
#ifndef TESTS_HOST_HOST_ENV_H
#define TESTS_HOST_HOST_ENV_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/mm_env.h"

/* Sizes for the maps and addresses of tests and benchmarks (64-bit, as phys_addr_t). */
#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull

#define HOST_RAM_DEFAULT  0x100000000ull
#define HOST_LOG_CAPACITY 65536
#define HOST_INVLPG_LOG   64

void host_ram_init(uint64_t bytes);
uint8_t *host_ram_base(void);
uint64_t host_ram_size(void);

extern bool host_log_quiet;
extern bool host_log_nocapture; /* true: mm_log formats nothing at all when quiet (benchmarks) */
const char *host_log_text(void);
void host_log_clear(void);

extern jmp_buf *host_panic_jmp;
extern void (*host_panic_hook)(const char *msg);
extern char host_panic_msg[512];
extern unsigned host_panic_count;

/* mm_direct_limit(): 0 (all simulated RAM is reachable) unless a test sets it. */
extern uint32_t host_direct_limit;
extern uint32_t host_cr3_last, host_invlpg_last;
extern unsigned host_cr3_count, host_invlpg_count;
extern uint32_t host_invlpg_log[HOST_INVLPG_LOG];

/* Evaluates to true when stmt called mm_panic (caught), false when it returned normally. */
#define HOST_EXPECT_PANIC(stmt)                               \
	({                                                    \
		jmp_buf host_jb_;                             \
		jmp_buf *volatile host_old_ = host_panic_jmp; \
		volatile bool host_got_ = false;              \
		host_panic_jmp = &host_jb_;                   \
		if (setjmp(host_jb_) == 0) {                  \
			stmt;                                 \
		} else {                                      \
			host_got_ = true;                     \
		}                                             \
		host_panic_jmp = host_old_;                   \
		(bool)host_got_;                              \
	})

#endif
