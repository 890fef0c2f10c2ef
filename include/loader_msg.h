/*
 * loader_msg.h - the words of the loader's kernel checks, named once for stage 2 (NASM, through
 * build/inc/loader_msg.inc) and for tools/mbcheck.py (which reads this file), so that `make image`
 * refuses a bad kernel with exactly the message the loader would print at boot.
 *
 * Each check prints "error: " and its message; a message ending in a field (0x, a number) is
 * followed by that value and then by its _TAIL, if any. Values are printed in hex with a fixed
 * number of digits (8, or 4 for header flags), numbers of segments in decimal. A segment number
 * counts the kernel's loadable segments (PT_LOAD with p_memsz > 0, or the one a.out-kludge
 * segment) from 0. docs/boot.md lists every message with what to do about it.
 */
#ifndef INCLUDE_LOADER_MSG_H
#define INCLUDE_LOADER_MSG_H

/* One line per message, whatever its length: tools/mbcheck.py reads them line by line. */
/* clang-format off */

/* The kernel file and its Multiboot v1 header (Multiboot 0.6.96 3.1.1, 3.1.2). */
#define MSG_NO_KERNEL      "no kernel on the disk (the image was built without one)"
#define MSG_MBH_NONE       "no Multiboot header in the kernel's first 8 KiB"
#define MSG_MBH_CHECKSUM   "Multiboot header checksum wrong (magic + flags + checksum != 0)"
#define MSG_MBH_FLAGS      "Multiboot header requires flags 0x"
#define MSG_MBH_FLAGS_TAIL ", which this loader does not support"

/* ELF32 (System V gABI, i386 supplement). */
#define MSG_ELF_NOT_ELF    "kernel is not ELF and has no a.out-kludge Multiboot header"
#define MSG_ELF_CLASS      "ELF kernel is not 32-bit (ELFCLASS32)"
#define MSG_ELF_ENDIAN     "ELF kernel is not little-endian"
#define MSG_ELF_TYPE       "ELF kernel is not an executable (ET_EXEC)"
#define MSG_ELF_MACHINE    "ELF kernel is not for i386 (EM_386)"
#define MSG_ELF_PHDRS      "ELF program headers bad or beyond the first 64 KiB"
#define MSG_ELF_FILESZ     "ELF segment has p_filesz > p_memsz"
#define MSG_ELF_NO_LOAD    "ELF kernel has no loadable (PT_LOAD) segment"
#define MSG_ELF_ENTRY      "kernel entry point 0x"
#define MSG_ELF_ENTRY_TAIL " is not inside a loaded segment (as a physical or a virtual address)"

/* The a.out-kludge address fields (Multiboot 0.6.96 3.1.3). */
#define MSG_AOUT_ADDR      "a.out-kludge header addresses inconsistent"
#define MSG_AOUT_ENTRY     "a.out-kludge entry_addr 0x"
#define MSG_AOUT_ENTRY_MID " outside the loaded image 0x"

/* Every segment: "<message>: segment N at 0xFIRST-0xLAST" (the range's first and last byte). */
#define MSG_SEG_MANY       "kernel has more than 32 loadable segments"
#define MSG_SEG_TRUNC      "kernel truncated: segment "
#define MSG_SEG_TRUNC_TAIL " lies beyond the file's end at 0x"
#define MSG_SEG_LOW        "kernel below 1 MiB (loader and BIOS area)"
#define MSG_SEG_WRAP       "kernel segment wraps past 4 GiB"
#define MSG_SEG_OVERLAP    "kernel segments overlap"
#define MSG_SEG_OVERLAP_TAIL " and segment "
#define MSG_SEG_RAM        "kernel not in usable RAM (E820 map)"

/* Multiboot2 (Multiboot2 Specification 2.0, 3.1): the header and its tags (boot/mb2header.inc),
 * the relocation (boot/mb2load.inc), the boot information (boot/mb2info.inc). */
#define MSG_MB2_ADDR           "Multiboot2 address tag addresses inconsistent"
#define MSG_MB2_NONE           "no Multiboot2 header in the kernel's first 32 KiB"
#define MSG_MB2_CKSUM          "Multiboot2 header checksum wrong (magic + architecture + header_length + checksum != 0)"
#define MSG_MB2_ARCH           "Multiboot2 header is not for i386 (architecture != 0)"
#define MSG_MB2_LEN8           "Multiboot2 header_length is not a multiple of 8"
#define MSG_MB2_WINDOW         "Multiboot2 header_length runs past the kernel's first 32 KiB (or its end)"
#define MSG_MB2_PAST           "Multiboot2 header tag runs past header_length (or no end tag)"
#define MSG_MB2_SHORT          "Multiboot2 header tag shorter than its fields: type "
#define MSG_MB2_UNKNOWN        "Multiboot2 header tag of an unknown type marked required: type "
#define MSG_MB2_REQUEST        "Multiboot2 header requires information this loader does not provide: tag type "
#define MSG_MB2_EFI            "EFI entry required: this is a BIOS loader"
#define MSG_MB2_CONSOLE        "Multiboot2 kernel requires a console, and not EGA text: this loader has no other"
#define MSG_MB2_ADDR_ENTRY     "Multiboot2 address tag without an entry address tag"
#define MSG_MB2L_NONE          "Multiboot2 relocatable tag: no room for the image in [min_addr, max_addr]"
#define MSG_MB2I_FULL          "Multiboot2 boot information outgrows its 32 KiB"
#define MSG_MB2I_SHDR_FILE     "ELF section headers lie beyond the kernel file's end"

/* clang-format on */

#endif
