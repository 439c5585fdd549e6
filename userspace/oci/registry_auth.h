/* SPDX-License-Identifier: GPL-2.0 */
/*
 * registry_auth.h - what a registry's 401 asks for and the credentials we
 * answer with.  A challenge is RFC 7235's WWW-Authenticate: a scheme, then
 * comma-separated key=value or key="value" (commas inside quotes kept), as
 * Tart's WWWAuthenticate.swift reads it.  Credentials come, first found
 * first, from $VMAPPLE_REGISTRY_USERNAME/_PASSWORD (limited to
 * $VMAPPLE_REGISTRY_HOSTNAME when set), Tart's $TART_REGISTRY_* of the same
 * shape, then the "auths" of ~/.docker/config.json (its base64 "auth").
 */
#ifndef VMAPPLE_OCI_REGISTRY_AUTH_H
#define VMAPPLE_OCI_REGISTRY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_FIELD_MAX	1024

struct auth_challenge {
	char scheme[16];		/* "Basic", "Bearer" */
	char realm[AUTH_FIELD_MAX];
	char service[AUTH_FIELD_MAX];
	char scope[AUTH_FIELD_MAX];
};

/* Parse one WWW-Authenticate value: 0, or -1 with one line in @err. */
int auth_parse_challenge(const char *value, struct auth_challenge *c, char *err,
			 size_t err_len);

struct auth_creds {
	char user[256];
	char pass[256];
	char from[64];			/* where they came from, for messages */
};

/*
 * The credentials for registry @host (HOST or HOST:PORT): 1 found, 0 none,
 * -1 with one line in @err (a config file that is there but unreadable).
 * @docker_config: the file to read ("": $DOCKER_CONFIG/config.json or
 * ~/.docker/config.json).
 */
int auth_find_creds(const char *host, const char *docker_config, struct auth_creds *c,
		    char *err, size_t err_len);

/* The JSON a token service answers: its "token" or "access_token". */
int auth_parse_token(const char *json, size_t len, char *token, size_t token_len, char *err,
		     size_t err_len);

#endif
