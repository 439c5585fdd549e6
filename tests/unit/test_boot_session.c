// SPDX-License-Identifier: GPL-2.0
/* test_boot_session - a new random v4 boot session UUID every boot, a MABS offset. */
#include <string.h>

#include "../../userspace/boot_session.h"
#include "tap.h"

int main(void)
{
	struct apple_hvc_config a = { 0 }, b = { 0 };
	const u8 *u = (const u8 *)a.boot_session_uuid;
	static const u32 zero[4];

	ok(boot_session_init(&a) == 0 && boot_session_init(&b) == 0, "two boots get their answers");
	ok(memcmp(a.boot_session_uuid, zero, 16) != 0, "the UUID is not zero");
	ok(memcmp(a.boot_session_uuid, b.boot_session_uuid, 16) != 0, "each boot's UUID is new");
	ok((u[6] >> 4) == 4 && (u[8] >> 6) == 2, "an RFC 4122 version 4 UUID");
	ok(a.mabs_offset != 0 && b.mabs_offset >= a.mabs_offset,
	   "the MABS offset is the counter at VM start, later for the later boot");
	return tap_done();
}
