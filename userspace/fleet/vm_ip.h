/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm_ip.h - a VM's IPv4 address from its MAC, as `vetu ip` finds it: the
 * shared network's DHCP leases (dnsmasq's lease file: "EXPIRY MAC IP HOST
 * CLIENT-ID" a line, newest last; expired ones skipped), else the host's neighbour table
 * (/proc/net/arp: "IP HW-TYPE FLAGS MAC MASK DEVICE" under a header; a
 * complete entry has flag 0x2).
 */
#ifndef VMAPPLE_FLEET_VM_IP_H
#define VMAPPLE_FLEET_VM_IP_H

#include <stddef.h>
#include <stdint.h>

#define VM_IP_ARP_TABLE	"/proc/net/arp"

/*
 * @mac's address in the lease file @leases (NULL or missing: skipped) or
 * the neighbour table @arp, into @ip.  0, or -ENOENT when neither has it.
 */
int vm_ip_lookup(const uint8_t mac[6], const char *leases, const char *arp, char *ip,
		 size_t ip_len);

#endif
