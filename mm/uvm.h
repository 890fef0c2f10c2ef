/*
 * uvm.h - a process's address space as policy: the list of regions that may hold user pages
 * (Linux's VMAs), the placement of brk, anonymous mmap and the stack, and what a page fault in
 * the user range means (demand-zero, copy-on-write, stack growth or SIGSEGV).
 *
 * Generic C, like the rest of mm/: it builds into the kernel and on the host, and reaches page
 * tables only through mm/paging.h (vmspace_*), frames only through mm/pmm.h and the per-frame
 * reference counts of mm/cow.h. Nothing here knows about processes, signals or system calls: a
 * fault returns what should happen and the kernel delivers it.
 *
 * The user range is vmlayout.h's [USER_START, USER_END); a process's layout inside it follows
 * Linux i386 (mm/mmap.c, mm/util.c mmap_base, arch/x86/mm/mmap.c):
 *
 *   USER_END = UVM_STACK_TOP  +----------------------------+
 *                             | stack, grows down on faults | at most UVM_STACK_MAX
 *                             +----------------------------+
 *                             | guard gap, never mapped     | UVM_STACK_GUARD_GAP
 *   UVM_MMAP_TOP              +----------------------------+
 *                             | anonymous mmap, top down    |
 *                             |            ...              |
 *                             | brk heap, grows up          | from the end of the ELF's data
 *                             | ELF text and data           | e.g. 0x08048000 for ld's default
 *   UVM_MIN_ADDR              +----------------------------+
 *                             | first page: never mapped    | NULL dereferences fault
 *   USER_START                +----------------------------+
 *
 * Regions are kept in a sorted array inside struct uvm_space (no allocator needed; Linux keeps a
 * tree and caps the count with vm.max_map_count, we cap it with UVM_MAX_REGIONS and answer
 * ENOMEM like Linux does past that cap). Every region is page aligned, non-empty, inside
 * [UVM_MIN_ADDR, USER_END); neighbours with the same kind and protection are merged.
 *
 * Every user page maps a frame whose reference count (mm/cow.h) is the number of page tables
 * mapping it; PTE_OWNED is never used for user pages (the count owns the frame). A page shared
 * after fork is read-only in every space that maps it; the first write copies it, or, when the
 * count has dropped to one, makes it writable in place (Linux mm/memory.c do_wp_page).
 *
 * Errors are negative Linux errno values (include/uapi/asm-generic/errno-base.h), so the
 * system-call layer can return them unchanged.
 */
#ifndef MM_UVM_H
#define MM_UVM_H

#include <stdint.h>

#include "mm/mm_env.h"
#include "mm/paging.h"
#include "mmu.h"
#include "vmlayout.h"

/* Errors (Linux errno numbers, negated). */
#define UVM_EPERM  (-1)
#define UVM_EAGAIN (-11)
#define UVM_ENOMEM (-12)
#define UVM_EFAULT (-14)
#define UVM_EEXIST (-17)
#define UVM_EINVAL (-22)

/* The layout of a process inside the user range (see the picture above). */
#define UVM_MIN_ADDR        NULL_PAGE_END    /* Linux's mmap_min_addr: page 0 stays out */
#define UVM_STACK_TOP       USER_END         /* Linux i386: STACK_TOP = TASK_SIZE */
#define UVM_STACK_MAX       (8u << 20)       /* Linux's default RLIMIT_STACK, 8 MiB */
#define UVM_STACK_GUARD_GAP (256u * PG_SIZE) /* Linux's stack_guard_gap, 256 pages */
#define UVM_MMAP_TOP        (UVM_STACK_TOP - UVM_STACK_MAX - UVM_STACK_GUARD_GAP)
#define UVM_MAX_REGIONS     64

_Static_assert(UVM_MIN_ADDR % PG_SIZE == 0 && UVM_MMAP_TOP % PG_SIZE == 0, "page-aligned layout");
_Static_assert(UVM_MMAP_TOP > UVM_MIN_ADDR, "room for mappings below the stack");

/* Protections: Linux's PROT_* values (include/uapi/asm-generic/mman-common.h). Without NX an
 * i386 page that can be read can be executed, so EXEC only matters for the bookkeeping. */
#define UVM_PROT_NONE  0x0
#define UVM_PROT_READ  0x1
#define UVM_PROT_WRITE 0x2
#define UVM_PROT_EXEC  0x4
#define UVM_PROT_MASK  0x7

/* mmap flags: Linux's MAP_* values (asm-generic/mman-common.h, mman.h). */
#define UVM_MAP_SHARED    0x01
#define UVM_MAP_PRIVATE   0x02
#define UVM_MAP_FIXED     0x10
#define UVM_MAP_ANONYMOUS 0x20

enum uvm_kind {
	UVM_KIND_TEXT,  /* an ELF PT_LOAD segment without write permission */
	UVM_KIND_DATA,  /* an ELF PT_LOAD segment with write permission (.data, .bss) */
	UVM_KIND_BRK,   /* the program break's heap */
	UVM_KIND_ANON,  /* anonymous private mmap */
	UVM_KIND_STACK, /* the stack: grows down on faults, at most UVM_STACK_MAX */
};

struct uvm_region {
	uint32_t start, end; /* [start, end), page aligned */
	uint8_t prot;        /* UVM_PROT_* */
	uint8_t kind;        /* enum uvm_kind */
};

struct uvm_space {
	vmspace_t pd;       /* the page directory (mm/paging.h) */
	uint32_t brk_start; /* the break's lowest value (end of the ELF's data, aligned) */
	uint32_t brk;       /* the current break; the heap region is up to PG_ROUND_UP */
	unsigned nregions;
	struct uvm_region regions[UVM_MAX_REGIONS]; /* sorted by start, never overlapping */
};

const char *uvm_kind_name(enum uvm_kind kind);

/* --- the region list (mm/uvm_region.c): bookkeeping only, no page tables ----------------- */

/* The region containing addr, or NULL. */
const struct uvm_region *uvm_region_find(const struct uvm_space *as, uint32_t addr);
/* The first region that ends above addr (contains it or lies above it), or NULL. */
const struct uvm_region *uvm_region_next(const struct uvm_space *as, uint32_t addr);
/* Add [start, end) with prot and kind: UVM_EINVAL for an unaligned, empty or out-of-range
 * span or a bad prot, UVM_EEXIST when it overlaps a region, UVM_ENOMEM when the list is full. */
int uvm_region_insert(struct uvm_space *as, uint32_t start, uint32_t end, unsigned prot,
		      enum uvm_kind kind);
/* Forget [start, end) in every region it touches, splitting those it cuts: UVM_ENOMEM (and
 * nothing changed) when a split would overflow the list. Unmapped parts are fine (munmap). */
int uvm_region_remove(struct uvm_space *as, uint32_t start, uint32_t end);
/* Give [start, end) protection prot, splitting at both ends: UVM_ENOMEM when part of the span
 * is in no region (Linux mprotect) or the splits would overflow the list; nothing changed then. */
int uvm_region_protect(struct uvm_space *as, uint32_t start, uint32_t end, unsigned prot);
/* Move the stack region's start down to new_start (page aligned). */
void uvm_region_grow_stack(struct uvm_space *as, const struct uvm_region *stack,
			   uint32_t new_start);
/* A free span of len bytes (page multiple) in [lo, hi): at hint when [hint, hint+len) is free
 * and inside, else the highest one (Linux's top-down allocator); keeps UVM_STACK_GUARD_GAP free
 * below the stack. Returns its start, or 0 when there is none. */
uint32_t uvm_region_find_gap(const struct uvm_space *as, uint32_t len, uint32_t hint, uint32_t lo,
			     uint32_t hi);
/* Invariants (sorted, aligned, non-empty, no overlap, inside the range, prot and kind valid,
 * merged neighbours): logs the first problems and returns how many it found. */
unsigned uvm_region_check(const struct uvm_space *as);

/* --- page faults (mm/uvm_fault.c) ---------------------------------------------------------- */

enum uvm_fault_action {
	UVM_FAULT_ZERO_FILL,  /* no page yet in a region: map a zeroed frame (demand zero) */
	UVM_FAULT_COW_COPY,   /* write to a shared page: copy it into a frame of our own */
	UVM_FAULT_REUSE,      /* write to a page we are the last sharer of: make it writable */
	UVM_FAULT_GROW_STACK, /* below the stack, within its limit: extend it, then zero fill */
	UVM_FAULT_SPURIOUS,   /* the page already allows the access: nothing to do */
	UVM_FAULT_SIGSEGV,    /* the access is not allowed: reason says why */
};

enum uvm_segv_reason {
	UVM_SEGV_NONE,
	UVM_SEGV_NULL,         /* the first page of the user range */
	UVM_SEGV_KERNEL,       /* an address outside the user range */
	UVM_SEGV_UNMAPPED,     /* in no region */
	UVM_SEGV_WRITE,        /* a write to a region without PROT_WRITE */
	UVM_SEGV_PROT_NONE,    /* any access to a PROT_NONE region */
	UVM_SEGV_STACK_LIMIT,  /* stack growth beyond UVM_STACK_MAX */
	UVM_SEGV_GUARD_GAP,    /* stack growth into the guard gap above another region */
	UVM_SEGV_RESERVED_BIT, /* PFE_RSVD: a corrupt page table, never the program's doing */
};

/* Linux's si_code for SIGSEGV (include/uapi/asm-generic/siginfo.h). */
#define UVM_SEGV_MAPERR 1 /* address not mapped to an object */
#define UVM_SEGV_ACCERR 2 /* invalid permissions for a mapped object */

struct uvm_fault {
	enum uvm_fault_action action;
	enum uvm_segv_reason reason; /* UVM_SEGV_NONE unless action is UVM_FAULT_SIGSEGV */
	int si_code;                 /* UVM_SEGV_MAPERR or UVM_SEGV_ACCERR for a SIGSEGV */
	uint32_t page;               /* the faulting address rounded down to its page */
};

const char *uvm_segv_reason_name(enum uvm_segv_reason reason);

/* The decision alone, from the regions, the error code (PFE_* of include/mmu.h), the page's
 * current PTE (0 when there is none) and its frame's reference count (0 when not present). */
void uvm_fault_decide(const struct uvm_space *as, uint32_t addr, uint32_t err, pte_t pte,
		      unsigned refs, struct uvm_fault *out);

/* Whether the stack region may grow down to page (below its start, no region in between):
 * UVM_SEGV_NONE when it may, else UVM_SEGV_STACK_LIMIT, UVM_SEGV_GUARD_GAP or
 * UVM_SEGV_UNMAPPED (far below the limit). Linux mm/mmap.c expand_downwards. */
enum uvm_segv_reason uvm_stack_growth_check(const struct uvm_space *as,
					    const struct uvm_region *stack, uint32_t page);

enum uvm_fault_result {
	UVM_FAULT_RESOLVED, /* retry the instruction */
	UVM_FAULT_SEGV,     /* deliver SIGSEGV (out->reason, out->si_code) */
	UVM_FAULT_OOM,      /* no frame or page table: kill the process, out of memory */
};

/* Decide and carry it out on as->pd (which need not be the current space). */
enum uvm_fault_result uvm_fault_handle(struct uvm_space *as, uint32_t addr, uint32_t err,
				       struct uvm_fault *out);

/* --- the address space's life and its system calls (mm/uvm_space.c) --------------------- */

/* A new, empty space (a page directory sharing the kernel's half). 0 or UVM_ENOMEM. */
int uvm_space_init(struct uvm_space *as);
/* Exit: every user page's reference dropped (frames freed with their last sharer), then every
 * page table and the directory (vmspace_destroy). as->pd must not be the current space. */
void uvm_space_release(struct uvm_space *as);
/* fork: child gets a copy of parent's regions and shares every present page, read-only in both
 * (the counts go up by one). 0, or UVM_ENOMEM with the child released and the parent intact
 * (its pages then stay read-only: the next write finds a count of one and reuses the page). */
int uvm_space_fork(struct uvm_space *parent, struct uvm_space *child);
/* Map a zeroed frame at va (page aligned, inside a region) with the region's protection and
 * return its physical address (the ELF loader copies the file's bytes there). 0 or UVM_E*. */
int uvm_page_populate(struct uvm_space *as, uint32_t va, uint32_t *pa);
/* The stack region [UVM_STACK_TOP - size, UVM_STACK_TOP), read-write. */
int uvm_stack_setup(struct uvm_space *as, uint32_t size);
/* The break starts at start (page aligned, above the ELF's segments). */
void uvm_brk_setup(struct uvm_space *as, uint32_t start);
/* Linux brk(2): move the break to new_brk when it lies in [brk_start, the next region) and the
 * frames can be had (a shrink unmaps the pages); always returns the break as it is afterwards
 * (new_brk = 0 asks for it). */
uint32_t uvm_brk(struct uvm_space *as, uint32_t new_brk);
/* Linux mmap2 for anonymous private mappings: returns the address in *out. UVM_EINVAL (length 0,
 * unaligned fixed address, not private anonymous, prot), UVM_ENOMEM (no room, list full). */
int uvm_mmap_anon(struct uvm_space *as, uint32_t addr, uint32_t len, unsigned prot, unsigned flags,
		  uint32_t *out);
/* Linux munmap: addr page aligned, len > 0; pages freed with their last sharer, emptied page
 * tables freed. */
int uvm_munmap(struct uvm_space *as, uint32_t addr, uint32_t len);
/* Linux mprotect: present pages lose PTE_W at once (a write then takes the fault path, which
 * copies or reuses) and PTE_U under PROT_NONE. */
int uvm_mprotect(struct uvm_space *as, uint32_t addr, uint32_t len, unsigned prot);

/* Resident pages and pages whose frame is shared (count > 1), for `vm <pid>` and tests: of the
 * whole user range, or of [start, end) (page aligned; a region's span). */
void uvm_space_count_pages(const struct uvm_space *as, unsigned *resident, unsigned *shared);
void uvm_space_count_range(const struct uvm_space *as, uint32_t start, uint32_t end,
			   unsigned *resident, unsigned *shared);

#endif
