// SPDX-License-Identifier: GPL-2.0
/* registry_auth.c - challenges, credentials and tokens (see registry_auth.h). */
#include "registry_auth.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONFIG_MAX	(1u << 20)

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One key=value or key="value" at @p into @key/@val: the rest, or NULL if malformed. */
static const char *directive(const char *p, char *key, size_t key_len, char *val,
			     size_t val_len)
{
	size_t k = 0, v = 0;

	while (*p && *p != '=' && *p != ',' && *p != ' ') {
		if (k + 1 >= key_len)
			return NULL;
		key[k++] = *p++;
	}
	key[k] = '\0';
	p = skip_space(p);
	if (*p++ != '=' || !k)
		return NULL;
	p = skip_space(p);
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (v + 1 >= val_len)
				return NULL;
			val[v++] = *p;
		}
		if (*p++ != '"')
			return NULL;
	} else {
		while (*p && *p != ',' && *p != ' ') {
			if (v + 1 >= val_len)
				return NULL;
			val[v++] = *p++;
		}
	}
	val[v] = '\0';
	p = skip_space(p);
	if (*p == ',')
		p++;
	return skip_space(p);
}

int auth_parse_challenge(const char *value, struct auth_challenge *c, char *err,
			 size_t err_len)
{
	const char *p = skip_space(value);
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	while (isalpha((unsigned char)*p) && n + 1 < sizeof(c->scheme))
		c->scheme[n++] = *p++;
	if (!n || (*p && *p != ' ')) {
		snprintf(err, err_len, "a WWW-Authenticate without a scheme: \"%.80s\"", value);
		return -1;
	}
	p = skip_space(p);
	while (*p) {
		char key[32], val[AUTH_FIELD_MAX];

		p = directive(p, key, sizeof(key), val, sizeof(val));
		if (!p) {
			snprintf(err, err_len, "a malformed WWW-Authenticate: \"%.80s\"", value);
			return -1;
		}
		if (!strcasecmp(key, "realm"))
			strcpy(c->realm, val);
		else if (!strcasecmp(key, "service"))
			strcpy(c->service, val);
		else if (!strcasecmp(key, "scope"))
			strcpy(c->scope, val);
	}
	return 0;
}

static bool set_creds(struct auth_creds *c, const char *user, const char *pass,
		      const char *from)
{
	if (strlen(user) >= sizeof(c->user) || strlen(pass) >= sizeof(c->pass))
		return false;
	strcpy(c->user, user);
	strcpy(c->pass, pass);
	snprintf(c->from, sizeof(c->from), "%s", from);
	return true;
}

/* $PREFIX_USERNAME/_PASSWORD, for @host unless $PREFIX_HOSTNAME names another. */
static bool env_creds(const char *prefix, const char *host, struct auth_creds *c)
{
	char name[64];
	const char *user, *pass, *only;

	snprintf(name, sizeof(name), "%s_HOSTNAME", prefix);
	only = getenv(name);
	if (only && *only && strcmp(only, host))
		return false;
	snprintf(name, sizeof(name), "%s_USERNAME", prefix);
	user = getenv(name);
	snprintf(name, sizeof(name), "%s_PASSWORD", prefix);
	pass = getenv(name);
	if (!user || !pass)
		return false;
	snprintf(name, sizeof(name), "$%s_USERNAME", prefix);
	return set_creds(c, user, pass, name);
}

static char *read_small(const char *path, size_t *len, int *error)
{
	FILE *f = fopen(path, "r");
	char *buf;

	*error = 0;
	if (!f) {
		*error = errno;
		return NULL;
	}
	buf = malloc(CONFIG_MAX + 1);
	*len = buf ? fread(buf, 1, CONFIG_MAX + 1, f) : 0;
	if (!buf || ferror(f) || *len > CONFIG_MAX) {
		*error = buf && *len > CONFIG_MAX ? EFBIG : EIO;
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* The docker config's auths[@host].auth: base64 of "user:pass". */
static int docker_creds(const char *path, const char *host, struct auth_creds *c, char *err,
			size_t err_len)
{
	struct json_object *root, *auths, *entry, *auth;
	unsigned char plain[600];
	const char *b64;
	char *buf, *colon;
	size_t len;
	int n, error, found = 0;

	buf = read_small(path, &len, &error);
	if (!buf) {
		if (error == ENOENT)
			return 0;
		snprintf(err, err_len, "%s: %s", path, strerror(error));
		return -1;
	}
	root = json_tokener_parse(buf);
	free(buf);
	if (!root) {
		snprintf(err, err_len, "%s: not JSON", path);
		return -1;
	}
	if (json_object_object_get_ex(root, "auths", &auths) &&
	    json_object_object_get_ex(auths, host, &entry) &&
	    json_object_object_get_ex(entry, "auth", &auth) &&
	    json_object_is_type(auth, json_type_string)) {
		b64 = json_object_get_string(auth);
		len = strlen(b64);
		n = len <= 4 * (sizeof(plain) - 1) / 3 ?
			EVP_DecodeBlock(plain, (const unsigned char *)b64, (int)len) : -1;
		if (n < 0) {
			snprintf(err, err_len, "%s: auths.\"%s\".auth is not base64 of user:password",
				 path, host);
			json_object_put(root);
			return -1;
		}
		/* EVP_DecodeBlock counts the padding's zero bytes in. */
		while (n > 0 && len && b64[--len] == '=')
			n--;
		plain[n] = '\0';
		colon = strchr((char *)plain, ':');
		if (!colon) {
			snprintf(err, err_len, "%s: auths.\"%s\".auth is not base64 of user:password",
				 path, host);
			json_object_put(root);
			return -1;
		}
		*colon = '\0';
		found = set_creds(c, (char *)plain, colon + 1, "the docker config") ? 1 : 0;
	}
	json_object_put(root);
	return found;
}

int auth_find_creds(const char *host, const char *docker_config, struct auth_creds *c,
		    char *err, size_t err_len)
{
	char path[4096];
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");

	memset(c, 0, sizeof(*c));
	if (env_creds("VMAPPLE_REGISTRY", host, c) || env_creds("TART_REGISTRY", host, c))
		return 1;
	if (docker_config && *docker_config)
		snprintf(path, sizeof(path), "%s", docker_config);
	else if (dir && *dir)
		snprintf(path, sizeof(path), "%s/config.json", dir);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.docker/config.json", home);
	else
		return 0;
	return docker_creds(path, host, c, err, err_len);
}

int auth_parse_token(const char *json, size_t len, char *token, size_t token_len, char *err,
		     size_t err_len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL, *t;
	int rc = -1;

	if (tok)
		json_tokener_free(tok);
	if (!root) {
		snprintf(err, err_len, "the token service's answer is not JSON");
		return -1;
	}
	if ((json_object_object_get_ex(root, "token", &t) ||
	     json_object_object_get_ex(root, "access_token", &t)) &&
	    json_object_is_type(t, json_type_string) && json_object_get_string_len(t) > 0) {
		if ((size_t)json_object_get_string_len(t) < token_len) {
			strcpy(token, json_object_get_string(t));
			rc = 0;
		} else {
			snprintf(err, err_len, "the token service's token is over %zu bytes",
				 token_len - 1);
		}
	} else {
		snprintf(err, err_len, "the token service's answer has no \"token\"");
	}
	json_object_put(root);
	return rc;
}
