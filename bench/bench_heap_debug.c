/*
 * bench_heap_debug.c - our heap compiled a second time, with HEAP_DEBUG=1, into the same
 * benchmark process: every external symbol of mm/heap*.c gets a dbg_
 * prefix so that the release build (linked normally) and this one can be timed side by side.
 */
#undef HEAP_DEBUG
#define HEAP_DEBUG         1
#define heap_debug_enabled dbg_heap_debug_enabled
#define heap_init          dbg_heap_init
#define heap_alloc         dbg_heap_alloc
#define heap_alloc_aligned dbg_heap_alloc_aligned
#define heap_calloc        dbg_heap_calloc
#define heap_realloc       dbg_heap_realloc
#define heap_free          dbg_heap_free
#define heap_usable_size   dbg_heap_usable_size
#define heap_trim          dbg_heap_trim
#define heap_check         dbg_heap_check
#define heap_stats         dbg_heap_stats
#define heap_print_stats   dbg_heap_print_stats
#define heap_report_leaks  dbg_heap_report_leaks
#define heap_find_not      dbg_heap_find_not
#define heap_site_name     dbg_heap_site_name
#define heap_panic_block   dbg_heap_panic_block
#define heap_panic_pointer dbg_heap_panic_pointer
#define heap_check_poison  dbg_heap_check_poison
#define heap_grow          dbg_heap_grow
#define heap_shrink        dbg_heap_shrink
#define heap_cache_flush   dbg_heap_cache_flush
#include "mm/heap.c"
#include "mm/heap_grow.c"
#include "mm/heap_realloc.c"
#include "mm/heap_debug.c"
