/* SPDX-License-Identifier: GPL-2.0 */
/* hostile_payload.h - payload/hostile.S, linked in (hostile_test, park_vcpu). */
#ifndef VMAPPLE_HOSTILE_PAYLOAD_H
#define VMAPPLE_HOSTILE_PAYLOAD_H

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".global hostile_payload, hostile_payload_end\n"
	"hostile_payload:\n"
	".incbin \"" HOSTILE_PAYLOAD "\"\n"
	"hostile_payload_end:\n"
	".popsection\n");
extern const unsigned char hostile_payload[], hostile_payload_end[];

#endif
