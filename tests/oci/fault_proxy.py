#!/usr/bin/python3
"""fault_proxy.py - a reverse proxy in front of the test registry that plays
the registry's failures for tests/oci/oci_test.sh.

  fault_proxy.py --upstream 127.0.0.1:PORT --port-file FILE --mode MODE --log FILE

Modes: none; token (Docker token auth: a 401 Bearer challenge naming the
proxy's /token, which wants TOKEN_USER/TOKEN_PASS as Basic); corrupt-blob (a
byte flipped in every blob GET); cut-blob:N (the first big blob GET ends
after N bytes, the connection closed); vanish:N (as cut-blob, then the proxy
exits: the registry is gone)."""
import argparse
import base64
import http.client
import http.server
import json
import os
import re
import secrets
import sys
import threading

args = None
tokens = set()
cut_done = threading.Event()


def log(line):
    with open(args.log, "a") as f:
        f.write(line + "\n")


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def challenge(self):
        m = re.match(r"/v2/(.+)/(manifests|blobs)/", self.path)
        scope = ""
        if m:
            scope = ',scope="repository:%s:%s"' % (m.group(1), "pull" if self.command in ("GET", "HEAD") else "pull,push")
        body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Bearer realm="http://127.0.0.1:%d/token",service="test-registry"%s'
                         % (self.server.server_port, scope))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def token(self):
        want = "Basic " + base64.b64encode(("%s:%s" % (os.environ.get("TOKEN_USER"), os.environ.get("TOKEN_PASS"))).encode()).decode()
        if self.headers.get("Authorization") != want:
            body, code = b'{"details":"bad credentials"}', 401
        else:
            tok = secrets.token_hex(16)
            tokens.add(tok)
            body, code = json.dumps({"token": tok, "access_token": tok, "expires_in": 300,
                                     "issued_at": "2026-12-02T00:00:00Z"}).encode(), 200
        log("token %d %s" % (code, self.path))
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def forward(self):
        if self.path.startswith("/token"):
            return self.token()
        if args.mode == "token":
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in tokens:
                log("%s %s 401" % (self.command, self.path))
                return self.challenge()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("authorization", "host", "connection")}
        up = http.client.HTTPConnection(args.upstream, timeout=60)
        up.request(self.command, self.path, body=body, headers=headers)
        r = up.getresponse()
        blob_get = self.command == "GET" and "/blobs/sha256:" in self.path
        log("%s %s %d range=%s" % (self.command, self.path, r.status, self.headers.get("Range")))
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() in ("connection", "transfer-encoding"):
                continue
            if k.lower() == "location":
                v = v.replace("http://" + args.upstream, "http://127.0.0.1:%d" % self.server.server_port)
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        data = r.read()
        up.close()
        mode, _, n = args.mode.partition(":")
        if blob_get and mode == "corrupt-blob" and data:
            data = bytearray(data)
            data[len(data) // 2] ^= 0xFF
            data = bytes(data)
        if blob_get and mode in ("cut-blob", "vanish") and len(data) > int(n) and not cut_done.is_set():
            cut_done.set()
            self.wfile.write(data[:int(n)])
            self.wfile.flush()
            log("cut %s after %s bytes" % (self.path, n))
            self.close_connection = True
            self.connection.shutdown(2)
            if mode == "vanish":
                log("vanishing")
                os._exit(0)
            return
        self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--mode", default="none")
    ap.add_argument("--log", default="/dev/stderr")
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    srv.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_port))
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
