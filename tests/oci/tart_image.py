#!/usr/bin/python3
"""tart_image.py - a Tart VM image for the OCI tests, as Tart (cirruslabs/tart
5287b59) lays it out and pushes it, and a check of an image as Tart's pull
would check it.  Independent of the C client it tests.

  tart_image.py make DIR --disk-size BYTES [--seed N]
  tart_image.py push DIR http://HOST:PORT REPO TAG [--chunk BYTES]   (prints the manifest digest)
  tart_image.py verify DIR http://HOST:PORT REPO TAG [--chunk BYTES]

Auth: REG_USER/REG_PASS as Basic, or as the login for a Bearer token service."""
import argparse
import base64
import hashlib
import json
import os
import plistlib
import random
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apple_lz4  # noqa: E402

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.cirruslabs.tart.config.v1"
DISK = "application/vnd.cirruslabs.tart.disk.v2"
NVRAM = "application/vnd.cirruslabs.tart.nvram.v1"
RAW_SIZE = "org.cirruslabs.tart.uncompressed-size"
RAW_DIGEST = "org.cirruslabs.tart.uncompressed-content-digest"
OCI_CONFIG = b'{"architecture":"arm64","config":{"Labels":{"org.cirruslabs.tart.disk.format":"raw"}},"os":"darwin"}'
TART_CHUNK = 512 << 20
AUX_SIZE = (32 << 20) + 16384   # VZ's aux: 32 MiB behind a 16 KiB header


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def make(args):
    rnd = random.Random(args.seed)
    os.makedirs(args.dir, exist_ok=True)
    mac = [rnd.randrange(256) for _ in range(6)]
    mac[0] = (mac[0] & 0xFE) | 0x02
    hw = plistlib.dumps({"DataRepresentationVersion": 1, "MinimumSupportedOS": [12, 0, 0],
                         "PlatformVersion": 2}, fmt=plistlib.FMT_BINARY)
    ecid = plistlib.dumps({"ECID": rnd.getrandbits(63)}, fmt=plistlib.FMT_BINARY)
    cfg = {"version": 1, "os": "darwin", "arch": "arm64", "cpuCountMin": 2, "cpuCount": 2,
           "memorySizeMin": 4 << 30, "memorySize": 4 << 30,
           "macAddress": ":".join("%02x" % b for b in mac),
           "display": {"width": 1024, "height": 768},
           "hardwareModel": base64.b64encode(hw).decode(), "ecid": base64.b64encode(ecid).decode()}
    with open(os.path.join(args.dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    words = [b"vmapple ", b"tart ", b"orchard ", b"apple silicon ", b"\n", b"%d " % args.seed]

    def text(n):
        return b"".join(rnd.choice(words) for _ in range(n // 4))[:n]
    with open(os.path.join(args.dir, "disk.img"), "wb") as f:
        f.truncate(args.disk_size)
        f.write(text(1 << 20))
        for edge in range(256 << 20, args.disk_size, 256 << 20):   # around every chunk edge
            f.seek(edge - 70000)
            f.write(text(140000))
        f.seek(args.disk_size - 5000)
        f.write(text(5000))
    with open(os.path.join(args.dir, "nvram.bin"), "wb") as f:
        f.truncate(AUX_SIZE)
        f.write(text(20000))


class Registry:
    def __init__(self, base, repo):
        self.base, self.repo, self.auth = base.rstrip("/"), repo, None

    def request(self, method, path, data=None, headers=None, retry=True):
        url = path if path.startswith("http") else self.base + path
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            return urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            if e.code == 401 and retry:
                self.login(e.headers.get("WWW-Authenticate", ""))
                return self.request(method, path, data, headers, False)
            raise

    def login(self, challenge):
        user, pw = os.environ.get("REG_USER"), os.environ.get("REG_PASS")
        basic = "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() == "basic":
            self.auth = basic
            return
        fields = dict(kv.split("=", 1) for kv in rest.replace('"', "").split(",") if "=" in kv)
        q = {k: fields[k] for k in ("service", "scope") if k in fields}
        req = urllib.request.Request(fields["realm"] + "?" + urllib.parse.urlencode(q))
        if user:
            req.add_header("Authorization", basic)
        tok = json.load(urllib.request.urlopen(req))
        self.auth = "Bearer " + (tok.get("token") or tok["access_token"])

    def upload(self, blob):
        d = digest(blob)
        try:
            self.request("HEAD", "/v2/%s/blobs/%s" % (self.repo, d))
            return d
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
        r = self.request("POST", "/v2/%s/blobs/uploads/" % self.repo, b"")
        loc = urllib.parse.urljoin(self.base + "/", r.headers["Location"])
        loc += ("&" if "?" in loc else "?") + "digest=" + d
        r = self.request("PUT", loc, blob, {"Content-Type": "application/octet-stream"})
        assert r.status == 201, r.status
        return d

    def get(self, path, accept=None):
        return self.request("GET", path, headers={"Accept": accept} if accept else {}).read()


def push(args):
    reg = Registry(args.url, args.repo)
    d = args.dir
    config = open(os.path.join(d, "config.json"), "rb").read()
    layers = [{"annotations": {}, "digest": reg.upload(config), "mediaType": CONFIG, "size": len(config)}]
    disk_size = os.path.getsize(os.path.join(d, "disk.img"))
    with open(os.path.join(d, "disk.img"), "rb") as f:
        for off in range(0, disk_size, args.chunk):
            raw = f.read(args.chunk)
            packed = apple_lz4.encode(raw)
            layers.append({"annotations": {RAW_DIGEST: digest(raw), RAW_SIZE: str(len(raw))},
                           "digest": reg.upload(packed), "mediaType": DISK, "size": len(packed)})
    nvram = open(os.path.join(d, "nvram.bin"), "rb").read()
    layers.append({"annotations": {}, "digest": reg.upload(nvram), "mediaType": NVRAM, "size": len(nvram)})
    manifest = {"annotations": {"org.cirruslabs.tart.uncompressed-disk-size": str(disk_size),
                                "org.cirruslabs.tart.upload-time": "2026-12-02T00:00:00Z"},
                "config": {"digest": reg.upload(OCI_CONFIG), "mediaType": "application/vnd.oci.image.config.v1+json",
                           "size": len(OCI_CONFIG)},
                "layers": layers, "mediaType": MANIFEST, "schemaVersion": 2}
    body = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    r = reg.request("PUT", "/v2/%s/manifests/%s" % (args.repo, args.tag), body, {"Content-Type": MANIFEST})
    assert r.status == 201, r.status
    print(digest(body))


def verify(args):
    reg = Registry(args.url, args.repo)
    body = reg.get("/v2/%s/manifests/%s" % (args.repo, args.tag), MANIFEST)
    m = json.loads(body)

    def bad(why):
        print("verify: " + why)
        sys.exit(1)
    if body != json.dumps(m, sort_keys=True, separators=(",", ":")).encode():
        bad("the manifest is not sorted-keys compact JSON")
    if m.get("mediaType") != MANIFEST or m.get("schemaVersion") != 2:
        bad("not an OCI image manifest")
    if reg.get("/v2/%s/blobs/%s" % (args.repo, m["config"]["digest"])) != OCI_CONFIG:
        bad("the OCI config blob is not Tart's")
    kinds = [layer["mediaType"] for layer in m["layers"]]
    if kinds.count(CONFIG) != 1 or kinds.count(NVRAM) != 1 or DISK not in kinds:
        bad("layers %s are not one config, disk layers, one NVRAM" % kinds)
    disk, nvram, config = [], None, None
    for layer in m["layers"]:
        blob = reg.get("/v2/%s/blobs/%s" % (args.repo, layer["digest"]))
        if digest(blob) != layer["digest"] or len(blob) != layer["size"]:
            bad("blob %s: digest or size differs" % layer["digest"])
        if layer["mediaType"] == DISK:
            raw = apple_lz4.decode(blob)
            a = layer["annotations"]
            if str(len(raw)) != a.get(RAW_SIZE) or digest(raw) != a.get(RAW_DIGEST):
                bad("disk layer %s: raw size or digest annotation differs" % layer["digest"])
            if len(raw) != args.chunk and layer is not [x for x in m["layers"] if x["mediaType"] == DISK][-1]:
                bad("a disk layer of %d raw bytes that is not the last (the chunk is %d)" % (len(raw), args.chunk))
            disk.append(raw)
        elif layer["mediaType"] == NVRAM:
            nvram = blob
        else:
            config = json.loads(blob)
    disk = b"".join(disk)
    if str(len(disk)) != m["annotations"].get("org.cirruslabs.tart.uncompressed-disk-size"):
        bad("uncompressed-disk-size differs from the layers' sum")
    if disk != open(os.path.join(args.dir, "disk.img"), "rb").read():
        bad("the disk differs from %s/disk.img" % args.dir)
    if nvram != open(os.path.join(args.dir, "nvram.bin"), "rb").read():
        bad("nvram.bin differs")
    want = json.load(open(os.path.join(args.dir, "config.json")))
    for k in ("version", "os", "arch", "cpuCount", "memorySize", "macAddress", "hardwareModel", "ecid"):
        if config.get(k, want.get(k)) != want.get(k) and k not in ("cpuCount", "memorySize"):
            bad("config.json %s: %r, not %r" % (k, config.get(k), want.get(k)))
    for k in ("version", "cpuCount", "memorySize", "macAddress", "hardwareModel", "ecid"):
        if k not in config:
            bad("config.json lacks %s (Tart's decoder needs it)" % k)
    print("verify: ok %d layers" % len(m["layers"]))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("make")
    p.add_argument("dir")
    p.add_argument("--disk-size", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    for name in ("push", "verify"):
        p = sub.add_parser(name)
        for a in ("dir", "url", "repo", "tag"):
            p.add_argument(a)
        p.add_argument("--chunk", type=int, default=TART_CHUNK)
    args = ap.parse_args()
    {"make": make, "push": push, "verify": verify}[args.cmd](args)


if __name__ == "__main__":
    main()
