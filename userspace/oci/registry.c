// SPDX-License-Identifier: GPL-2.0
/* registry.c - the registry v2 API on libcurl (see registry.h). */
#include "registry.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define URL_MAX		4096
#define ERRBODY_MAX	2048
#define TOKEN_MAX	7000
/* A registry that sends nothing for this long is gone. */
#define STALL_SECONDS	60L

struct request {
	const char *method;
	char url[URL_MAX];
	const char *what;		/* "GET manifest latest", for messages */
	const char *content_type;
	const char *accept;
	char range[64];			/* "Range: ..." or "Content-Range: ..." */
	/* the body sent: @send_mem, or @send_len bytes of @send_fd from @send_off */
	const char *send_mem;
	int send_fd;
	uint64_t send_off, send_len, sent;
	/* the body received when the answer is 2xx */
	apple_lz4_sink sink;
	void *sink_ctx;
	uint64_t received;
	bool sink_failed;
	char sink_err[512];
	/* the answer */
	long status;
	char location[URL_MAX];
	char challenge[2 * AUTH_FIELD_MAX];
	char errbody[ERRBODY_MAX];
	size_t errbody_len;
	bool no_auth;			/* the token request itself */
};

struct mem_body {
	char *buf;
	size_t len, max;
};

static int fail(struct registry *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct registry *r, const char *fmt, ...)
{
	int n = snprintf(r->err, r->err_len, "registry %s: ", r->host);
	va_list ap;

	if (n < 0 || (size_t)n >= r->err_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->err_len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int mem_sink(void *ctx, const void *buf, size_t len, char *err, size_t err_len)
{
	struct mem_body *m = ctx;
	char *p;

	if (len > m->max - m->len) {
		snprintf(err, err_len, "an answer of over %zu bytes", m->max);
		return -1;
	}
	p = realloc(m->buf, m->len + len + 1);
	if (!p) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	memcpy(p + m->len, buf, len);
	m->buf = p;
	m->len += len;
	m->buf[m->len] = '\0';
	return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct request *q = arg;
	size_t len = size * n, room;

	if (q->status < 200 || q->status > 299) {
		room = ERRBODY_MAX - 1 - q->errbody_len;
		memcpy(q->errbody + q->errbody_len, data, len < room ? len : room);
		q->errbody_len += len < room ? len : room;
		q->errbody[q->errbody_len] = '\0';
		return len;
	}
	if (!q->sink)
		return len;
	if (q->sink(q->sink_ctx, data, len, q->sink_err, sizeof(q->sink_err))) {
		q->sink_failed = true;
		return 0;
	}
	q->received += len;
	return len;
}

/* Copy header @name's value (trimmed) from @line into @out when it is that header. */
static void header_value(const char *line, size_t len, const char *name, char *out,
			 size_t out_len)
{
	size_t n = strlen(name), v;

	if (len <= n || strncasecmp(line, name, n) || line[n] != ':')
		return;
	line += n + 1;
	len -= n + 1;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	v = len < out_len - 1 ? len : out_len - 1;
	memcpy(out, line, v);
	out[v] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct request *q = arg;
	size_t len = size * n;

	/* A new status line (a redirect's, a 100's): its headers are the ones that count. */
	if (len > 5 && !strncmp(data, "HTTP/", 5)) {
		q->status = strtol(memchr(data, ' ', len) ? memchr(data, ' ', len) : data, NULL, 10);
		q->location[0] = q->challenge[0] = '\0';
		return len;
	}
	header_value(data, len, "Location", q->location, sizeof(q->location));
	header_value(data, len, "WWW-Authenticate", q->challenge, sizeof(q->challenge));
	return len;
}

static size_t on_send(char *buf, size_t size, size_t n, void *arg)
{
	struct request *q = arg;
	size_t want = size * n;
	ssize_t got;

	if (q->sent >= q->send_len)
		return 0;
	if (want > q->send_len - q->sent)
		want = (size_t)(q->send_len - q->sent);
	if (q->send_mem) {
		memcpy(buf, q->send_mem + q->sent, want);
		q->sent += want;
		return want;
	}
	got = pread(q->send_fd, buf, want, (off_t)(q->send_off + q->sent));
	if (got <= 0)
		return CURL_READFUNC_ABORT;
	q->sent += (uint64_t)got;
	return (size_t)got;
}

/* The registry's own words: errors[0].code and .message of its JSON body. */
static void server_message(const struct request *q, char *out, size_t len)
{
	struct json_object *root = q->errbody_len ? json_tokener_parse(q->errbody) : NULL;
	struct json_object *errs, *e0, *code, *msg;

	out[0] = '\0';
	if (root && json_object_object_get_ex(root, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array) && json_object_array_length(errs) > 0) {
		e0 = json_object_array_get_idx(errs, 0);
		if (json_object_object_get_ex(e0, "code", &code) &&
		    json_object_object_get_ex(e0, "message", &msg))
			snprintf(out, len, ": %s: %s", json_object_get_string(code),
				 json_object_get_string(msg));
	}
	if (root)
		json_object_put(root);
}

/* One exchange, no auth retry: 0 when it completed (any status), -1 with the error set. */
static int perform(struct registry *r, struct request *q)
{
	struct curl_slist *h = NULL;
	char line[URL_MAX];
	CURL *c = r->curl;
	CURLcode rc;
	bool put_like = !strcmp(q->method, "PUT") || !strcmp(q->method, "POST") ||
			!strcmp(q->method, "PATCH");

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, q->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, !put_like ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 8L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, STALL_SECONDS);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vmapple (Tart-compatible OCI client)");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, q);
	if (!strcmp(q->method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (put_like) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_send);
		curl_easy_setopt(c, CURLOPT_READDATA, q);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)q->send_len);
		/* No "Expect: 100-continue": the registry answers at once or not at all. */
		h = curl_slist_append(h, "Expect:");
	}
	if (q->accept) {
		snprintf(line, sizeof(line), "Accept: %s", q->accept);
		h = curl_slist_append(h, line);
	}
	if (q->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", q->content_type);
		h = curl_slist_append(h, line);
	}
	if (q->range[0])
		h = curl_slist_append(h, q->range);
	if (!q->no_auth && r->authorization[0])
		h = curl_slist_append(h, r->authorization);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	q->status = 0;
	q->sent = q->received = 0;
	q->errbody_len = 0;
	q->errbody[0] = q->location[0] = q->challenge[0] = '\0';
	rc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (q->sink_failed)
		return fail(r, "%s: %s", q->what, q->sink_err);
	if (rc != CURLE_OK)
		return fail(r, "%s: %s%s", q->what, curl_easy_strerror(rc),
			    q->received ? " (cut off mid-transfer)" : "");
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &q->status);
	return 0;
}

static int basic_header(struct registry *r, char *out, size_t len)
{
	char plain[sizeof(r->creds.user) + sizeof(r->creds.pass) + 1];
	unsigned char b64[4 * sizeof(plain) / 3 + 8];
	int n = snprintf(plain, sizeof(plain), "%s:%s", r->creds.user, r->creds.pass);

	EVP_EncodeBlock(b64, (unsigned char *)plain, n);
	n = snprintf(out, len, "Authorization: Basic %s", b64);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Ask the token service @c names for a token of @c's scope. */
static int fetch_token(struct registry *r, const struct auth_challenge *c)
{
	struct mem_body m = { .max = 64 << 10 };
	struct request q = { .method = "GET", .what = "token request", .no_auth = true,
			     .sink = mem_sink, .sink_ctx = &m };
	char token[TOKEN_MAX], terr[256], *svc, *scope;
	int n;

	if (strncmp(c->realm, "http://", 7) && strncmp(c->realm, "https://", 8))
		return fail(r, "its token service \"%s\" is not an http(s) URL", c->realm);
	svc = curl_easy_escape(r->curl, c->service, 0);
	scope = curl_easy_escape(r->curl, c->scope, 0);
	n = snprintf(q.url, sizeof(q.url), "%s%s%s%s%s%s", c->realm,
		     strchr(c->realm, '?') ? "&" : "?", c->service[0] ? "service=" : "",
		     c->service[0] ? svc : "", c->scope[0] ? (c->service[0] ? "&scope=" : "scope=") : "",
		     c->scope[0] ? scope : "");
	curl_free(svc);
	curl_free(scope);
	if (n < 0 || (size_t)n >= sizeof(q.url))
		return fail(r, "its token service URL is too long");
	/* The login goes to the token service, as Basic; the registry gets the token. */
	if (r->has_creds) {
		if (basic_header(r, r->authorization, sizeof(r->authorization)))
			return fail(r, "the credentials are too long");
		q.no_auth = false;
	}
	n = perform(r, &q);
	r->authorization[0] = '\0';
	if (n) {
		free(m.buf);
		return -1;
	}
	if (q.status == 401 || q.status == 403) {
		free(m.buf);
		return fail(r, "authentication failed: its token service %s refused %s (%ld)",
			    c->realm, r->has_creds ? r->creds.from : "an anonymous request", q.status);
	}
	if (q.status != 200) {
		free(m.buf);
		return fail(r, "its token service %s answered %ld", c->realm, q.status);
	}
	if (auth_parse_token(m.buf ? m.buf : "", m.len, token, sizeof(token), terr, sizeof(terr))) {
		free(m.buf);
		return fail(r, "%s", terr);
	}
	free(m.buf);
	snprintf(r->authorization, sizeof(r->authorization), "Authorization: Bearer %s", token);
	return 0;
}

/* Answer @q's 401 challenge: 0 with r->authorization set, or -1. */
static int authenticate(struct registry *r, const struct request *q)
{
	struct auth_challenge c;
	char perr[256];

	if (!q->challenge[0])
		return fail(r, "%s: 401 without a WWW-Authenticate challenge", q->what);
	if (auth_parse_challenge(q->challenge, &c, perr, sizeof(perr)))
		return fail(r, "%s: %s", q->what, perr);
	if (!strcasecmp(c.scheme, "Basic")) {
		if (!r->has_creds)
			return fail(r, "authentication failed: it wants a login and none is set "
				    "(VMAPPLE_REGISTRY_USERNAME/_PASSWORD, or docker login %s)",
				    r->host);
		return basic_header(r, r->authorization, sizeof(r->authorization)) ?
			fail(r, "the credentials are too long") : 0;
	}
	if (!strcasecmp(c.scheme, "Bearer"))
		return fetch_token(r, &c);
	return fail(r, "authentication failed: the scheme \"%s\" is not Basic or Bearer", c.scheme);
}

/*
 * One request with the auth dance: on a 401, authenticate as the challenge
 * asks and try once more.  0 with q->status set, or -1.
 */
static int exchange(struct registry *r, struct request *q)
{
	if (perform(r, q))
		return -1;
	if (q->status != 401 || q->no_auth)
		return 0;
	if (authenticate(r, q) || perform(r, q))
		return -1;
	if (q->status == 401)
		return fail(r, "authentication failed: %s was refused with %s", q->what,
			    r->has_creds ? r->creds.from : "no credentials");
	return 0;
}

static int unexpected(struct registry *r, const struct request *q)
{
	char msg[512];

	server_message(q, msg, sizeof(msg));
	return fail(r, "%s: answered %ld%s", q->what, q->status, msg);
}

static int url(struct registry *r, struct request *q, const char *kind, const char *ref)
{
	int n = snprintf(q->url, sizeof(q->url), "%s/v2/%s/%s/%s", r->base, r->repo, kind, ref);

	return n < 0 || (size_t)n >= sizeof(q->url) ? fail(r, "a URL too long") : 0;
}

int registry_open(struct registry *r, const struct oci_ref *ref, bool insecure, char *err,
		  size_t err_len)
{
	char cerr[512];
	int found;

	memset(r, 0, sizeof(*r));
	r->err = err;
	r->err_len = err_len;
	snprintf(r->host, sizeof(r->host), "%s", ref->host);
	snprintf(r->repo, sizeof(r->repo), "%s", ref->repo);
	snprintf(r->base, sizeof(r->base), "%s://%s", insecure ? "http" : "https", ref->host);
	found = auth_find_creds(ref->host, NULL, &r->creds, cerr, sizeof(cerr));
	if (found < 0)
		return fail(r, "its credentials: %s", cerr);
	r->has_creds = found > 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return fail(r, "libcurl did not initialise");
	r->curl = curl_easy_init();
	if (!r->curl)
		return fail(r, "libcurl did not initialise");
	return 0;
}

void registry_close(struct registry *r)
{
	if (r->curl)
		curl_easy_cleanup(r->curl);
	r->curl = NULL;
	memset(&r->creds, 0, sizeof(r->creds));
}

int registry_get_manifest(struct registry *r, const char *reference, char **body, size_t *len)
{
	struct mem_body m = { .max = REGISTRY_SMALL_MAX };
	char what[OCI_TAG_MAX + OCI_REPO_MAX + 32];
	struct request q = { .method = "GET", .what = what, .accept = OCI_MANIFEST_TYPE,
			     .sink = mem_sink, .sink_ctx = &m };

	snprintf(what, sizeof(what), "GET manifest %s:%s", r->repo, reference);
	if (url(r, &q, "manifests", reference) || exchange(r, &q)) {
		free(m.buf);
		return -1;
	}
	if (q.status != 200) {
		free(m.buf);
		if (q.status == 404)
			return fail(r, "%s: no such image (404)", what);
		return unexpected(r, &q);
	}
	*body = m.buf ? m.buf : strdup("");
	*len = m.len;
	return *body ? 0 : fail(r, "out of memory");
}

int registry_put_manifest(struct registry *r, const char *tag, const char *body, size_t len)
{
	char what[OCI_TAG_MAX + OCI_REPO_MAX + 32];
	struct request q = { .method = "PUT", .what = what, .content_type = OCI_MANIFEST_TYPE,
			     .send_mem = body, .send_len = len };

	snprintf(what, sizeof(what), "PUT manifest %s:%s", r->repo, tag);
	if (url(r, &q, "manifests", tag) || exchange(r, &q))
		return -1;
	return q.status == 201 ? 0 : unexpected(r, &q);
}

int registry_blob_exists(struct registry *r, const char *digest)
{
	char what[OCI_DIGEST_LEN + 16];
	struct request q = { .method = "HEAD", .what = what };

	snprintf(what, sizeof(what), "HEAD blob %s", digest);
	if (url(r, &q, "blobs", digest) || exchange(r, &q))
		return -1;
	if (q.status == 200)
		return 1;
	return q.status == 404 ? 0 : unexpected(r, &q);
}

int registry_get_blob(struct registry *r, const char *digest, uint64_t from,
		      apple_lz4_sink sink, void *ctx, uint64_t *got)
{
	char what[OCI_DIGEST_LEN + 48];
	struct request q = { .method = "GET", .what = what, .sink = sink, .sink_ctx = ctx };
	int rc;

	snprintf(what, sizeof(what), "GET blob %s", digest);
	if (from)
		snprintf(q.range, sizeof(q.range), "Range: bytes=%llu-", (unsigned long long)from);
	rc = url(r, &q, "blobs", digest) ? -1 : exchange(r, &q);
	*got = q.received;
	if (rc)
		return -1;
	if (q.status == (from ? 206 : 200))
		return 0;
	if (from && q.status == 200)
		return fail(r, "%s: asked from byte %llu, answered the whole blob (200, not 206)",
			    what, (unsigned long long)from);
	if (q.status == 404)
		return fail(r, "%s: no such blob (404)", what);
	return unexpected(r, &q);
}

/* An upload's next URL: the Location it answered, against the base when relative. */
static int next_location(struct registry *r, const struct request *q, char *out, size_t len)
{
	int n;

	if (!q->location[0])
		return fail(r, "%s: answered %ld without a Location", q->what, q->status);
	if (!strncmp(q->location, "http://", 7) || !strncmp(q->location, "https://", 8))
		n = snprintf(out, len, "%s", q->location);
	else if (q->location[0] == '/')
		n = snprintf(out, len, "%s%s", r->base, q->location);
	else
		return fail(r, "%s: a Location that is not a URL or a path", q->what);
	return n < 0 || (size_t)n >= len ? fail(r, "%s: a Location too long", q->what) : 0;
}

int registry_upload_blob(struct registry *r, const char *digest, int fd, uint64_t size,
			 uint64_t chunk)
{
	char what[OCI_DIGEST_LEN + 48], loc[URL_MAX];
	struct request q = { .method = "POST", .what = what, .send_mem = "" };
	uint64_t off = 0;
	int n;

	snprintf(what, sizeof(what), "upload of blob %s", digest);
	if (url(r, &q, "blobs", "uploads/") || exchange(r, &q))
		return -1;
	if (q.status != 202)
		return unexpected(r, &q);
	if (next_location(r, &q, loc, sizeof(loc)))
		return -1;
	while (chunk && off < size) {
		uint64_t len = size - off < chunk ? size - off : chunk;
		struct request p = { .method = "PATCH", .what = what, .send_fd = fd,
				     .send_off = off, .send_len = len,
				     .content_type = "application/octet-stream" };

		snprintf(p.url, sizeof(p.url), "%s", loc);
		snprintf(p.range, sizeof(p.range), "Content-Range: %llu-%llu",
			 (unsigned long long)off, (unsigned long long)(off + len - 1));
		if (exchange(r, &p))
			return -1;
		/* 201 too: ECR's way, which Tart accepts. */
		if (p.status != 202 && p.status != 201)
			return unexpected(r, &p);
		if (next_location(r, &p, loc, sizeof(loc)))
			return -1;
		off += len;
	}
	{
		struct request p = { .method = "PUT", .what = what, .send_fd = fd,
				     .send_off = off, .send_len = size - off, .send_mem = NULL,
				     .content_type = "application/octet-stream" };

		if (!chunk)
			p.send_off = 0, p.send_len = size;
		if (p.send_len == 0)
			p.send_mem = "";
		n = snprintf(p.url, sizeof(p.url), "%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?",
			     digest);
		if (n < 0 || (size_t)n >= sizeof(p.url))
			return fail(r, "%s: a Location too long", what);
		if (exchange(r, &p))
			return -1;
		return p.status == 201 ? 0 : unexpected(r, &p);
	}
}
