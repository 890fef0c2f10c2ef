/*
 * acpi.h - where the ACPI Root System Description Pointer lies on a PC BIOS machine and what it
 * looks like, named once (the loader finds it for the Multiboot2 ACPI tags).
 *
 * Source: ACPI Specification 6.5, 5.2.5.1 "Finding the RSDP on IA-PC Systems" (the first KiB of
 * the EBDA, whose segment is the word at 0x40E of the BIOS data area, then 0xE0000-0xFFFFF; on
 * 16-byte boundaries) and 5.2.5.3 (the RSDP's layout: the first 20 bytes sum to 0 in every
 * revision; from revision 2 on, `length` bytes sum to 0 as well).
 */
#ifndef INCLUDE_ACPI_H
#define INCLUDE_ACPI_H

#define ACPI_EBDA_SEG_PTR     0x40E /* BDA word: the EBDA's real-mode segment */
#define ACPI_EBDA_SEARCH      1024
#define ACPI_BIOS_AREA        0xE0000
#define ACPI_BIOS_AREA_END    0x100000
#define ACPI_RSDP_ALIGN       16
#define ACPI_RSDP_SIG_LO      0x20445352 /* "RSD " little endian */
#define ACPI_RSDP_SIG_HI      0x20525450 /* "PTR " */
#define ACPI_RSDP_REVISION    15         /* u8 */
#define ACPI_RSDP_LENGTH      20         /* u32, revision 2 and later */
#define ACPI_RSDP_V1_SIZE     20
#define ACPI_RSDP_V2_SIZE     36
#define ACPI_RSDP_V2_REVISION 2

#endif
