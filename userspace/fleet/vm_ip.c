// SPDX-License-Identifier: GPL-2.0
/* vm_ip.c - a VM's address from the DHCP leases or the neighbour table. */
#include "vm_ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../bundle.h"

static bool same_mac(const char *text, const uint8_t mac[6])
{
	uint8_t m[6];

	return !bundle_parse_mac(text, m) && !memcmp(m, mac, 6);
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

/* The last lease for @mac: dnsmasq appends renewals. */
static int from_leases(const char *path, const uint8_t mac[6], char *ip, size_t ip_len)
{
	char line[512], m[64], addr[64];
	int found = -ENOENT;
	FILE *f = fopen(path, "r");

	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long expiry;

		/* An expired lease names an address the VM may no longer have (0: never expires). */
		if (sscanf(line, "%llu %63s %63s", &expiry, m, addr) != 3 ||
		    (expiry && expiry < (unsigned long long)time(NULL)))
			continue;
		if (same_mac(m, mac) && is_ipv4(addr) && strlen(addr) < ip_len) {
			strcpy(ip, addr);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

static int from_arp(const char *path, const uint8_t mac[6], char *ip, size_t ip_len)
{
	char line[512], addr[64], flags[32], m[64];
	FILE *f = fopen(path, "r");
	int found = -ENOENT;

	if (!f)
		return -ENOENT;
	while (found && fgets(line, sizeof(line), f)) {
		unsigned int fl;

		if (sscanf(line, "%63s %*s %31s %63s", addr, flags, m) != 3 ||
		    sscanf(flags, "%x", &fl) != 1 || !(fl & 0x2))
			continue;
		if (same_mac(m, mac) && is_ipv4(addr) && strlen(addr) < ip_len) {
			strcpy(ip, addr);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

int vm_ip_lookup(const uint8_t mac[6], const char *leases, const char *arp, char *ip,
		 size_t ip_len)
{
	if (leases && !from_leases(leases, mac, ip, ip_len))
		return 0;
	return arp ? from_arp(arp, mac, ip, ip_len) : -ENOENT;
}
