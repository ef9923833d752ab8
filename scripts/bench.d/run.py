"""Runs the measurements of scripts/bench and prints one Markdown table.

scripts/bench prepares the tools and calls this with the paths it built; run
`scripts/bench --help` for the options. Every measured command is a separate
process: its peak RSS and CPU come from wait4(2); the time of the operation
alone comes from the tool's own JSON line (see bench_client.rs, bench_c.c,
peers.py). Within a row group the tools take turns in every round.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

MIB = 1 << 20
OPENSSL_GROUP = "limits: openssl speed -evp, 16 KiB blocks, one core"
SECTIONS = ["limits", "fast", "real", "big", "list", "gets", "footprint", "cli"]


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Runner:
    def __init__(self, args):
        self.args = args
        self.rows = []  # (group, what, tool, unit, [results])
        self.index = {}

    def record(self, group, what, tool, unit, result):
        key = (group, what, tool)
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append([group, what, tool, unit, []])
        self.rows[self.index[key]][4].append(result)

    def skip(self, group, what, tool, why):
        key = (group, what, tool)
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append([group, what, tool, why, None])


def measure(cmd, env=None, json_line=True):
    """Runs cmd under GNU time; returns its JSON line (unless json_line is
    false: a command's own output) merged with the process figures. (wait4
    from this Python process would report at least its own RSS: a forked
    child starts with the parent's high-water mark.)"""
    with tempfile.NamedTemporaryFile("r", prefix="bench-time-") as times:
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-o", times.name, "-f", "%e %U %S %M"] + cmd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}"
            )
        _, user, system, rss_kib = times.read().split()[-4:]
    lines = [line for line in proc.stdout.splitlines() if json_line and line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    result["proc_wall_s"] = wall
    result["proc_cpu_s"] = float(user) + float(system)
    result["rss_mib"] = int(rss_kib) / 1024
    result.setdefault("op_s", wall)
    result.setdefault("cpu_s", result["proc_cpu_s"])
    result["_out"] = proc.stdout
    return result


def curl_json(fmt):
    return ["-w", fmt]


class Bench:
    def __init__(self, args):
        self.args = args
        self.runner = Runner(args)
        self.work = args.work
        self.size = args.size_mib * MIB
        self.tools = {
            "Rust API": [args.rust_client],
            "C ABI": [args.c_client],
            "openstacksdk": [args.python, args.peers, "sdk"],
            "python-glanceclient": [args.python, args.peers, "gc"],
        }
        self.data = os.path.join(self.work, "image.bin")
        self.out = os.path.join(self.work, "out.bin")
        self.server = None
        self.load = []

    # -- helpers ---------------------------------------------------------
    def sample_load(self):
        with open("/proc/loadavg") as f:
            self.load.append(float(f.read().split()[0]))

    def make_data(self, path, size):
        if os.path.exists(path) and os.path.getsize(path) == size:
            return
        log(f"writing {size // MIB} MiB of random data to {path}")
        with open("/dev/urandom", "rb") as src, open(path, "wb") as dst:
            left = size
            while left:
                chunk = src.read(min(left, 8 * MIB))
                dst.write(chunk)
                left -= len(chunk)

    def digests(self, path):
        sha = subprocess.run(["sha512sum", path], capture_output=True, text=True, check=True)
        md5 = subprocess.run(["md5sum", path], capture_output=True, text=True, check=True)
        return md5.stdout.split()[0], sha.stdout.split()[0]

    def start_server(self, data, images):
        self.stop_server()
        md5, sha512 = self.digests(data)
        self.server = subprocess.Popen(
            [
                self.args.server,
                "--data", data,
                "--md5", md5,
                "--sha512", sha512,
                "--images", str(images),
                "--schema", self.args.schema,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        port = int(self.server.stdout.readline().split()[1])
        self.fast_env = {"BENCH_ENDPOINT": f"http://127.0.0.1:{port}", "BENCH_TOKEN": "bench"}
        return self.fast_env["BENCH_ENDPOINT"]

    def stop_server(self):
        if self.server:
            self.server.kill()
            self.server.wait()
            self.server = None

    def rm(self, *paths):
        for path in paths:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass

    def mbps(self, result, size):
        return size / result["op_s"] / 1e6

    # -- sections ----------------------------------------------------------
    def limits(self):
        group = f"limits: hashing the same {self.size // MIB} MiB (page cache)"
        for _ in range(self.args.reps):
            for tool in ["sha512sum", "md5sum"]:
                self.sample_load()
                r = measure([tool, self.data])
                self.runner.record(group, "hash", tool, "MB/s", self.with_rate(r, self.size))
            # How much a second thread can add on this machine: two hashes at once.
            self.sample_load()
            r = measure(["sh", "-c", 'sha512sum "$0" & sha512sum "$0"; wait', self.data])
            self.runner.record(group, "two sha512sum at once, both bytes counted", "sha512sum ×2",
                               "MB/s", self.with_rate(r, 2 * self.size))
            # One core's ceiling, as the verified transfers' ratios below use it.
            for algo in ["sha512", "md5"]:
                self.sample_load()
                self.runner.record(OPENSSL_GROUP, algo, "openssl speed", "MB/s", self.openssl_speed(algo))

    def openssl_speed(self, algo):
        """`openssl speed -evp ALGO` on 16 KiB blocks, one core, by wall time like
        the transfers (its CPU-time mode misreads a loaded machine)."""
        seconds = "1" if self.size <= 64 * MIB else "3"
        r = measure(["openssl", "speed", "-elapsed", "-evp", algo, "-bytes", "16384", "-seconds", seconds],
                    json_line=False)
        # Its last line: "sha512  702088.40k" (thousands of bytes per second).
        last = [line for line in r["_out"].splitlines() if line.strip()][-1].split()
        r["value"] = float(last[-1].rstrip("k")) * 1000 / 1e6
        return r

    def with_rate(self, result, size):
        result["value"] = self.mbps(result, size)
        return result

    def transfers(self, label, env, image_id, curl_base, curl_token):
        """Download and upload rows against one server, tools taking turns."""
        group = f"{self.size // MIB} MiB transfers, {label}"
        curl_headers = ["-H", f"X-Auth-Token: {curl_token}"]
        for rnd in range(self.args.reps):
            log(f"{group}: round {rnd + 1}/{self.args.reps}")
            for verify in [True, False]:
                flag = [] if verify else ["--no-verify"]
                what = "download, verified" if verify else "download, not verified"
                for tool, cmd in self.tools.items():
                    if tool == "openstacksdk" and not verify:
                        self.runner.skip(group, what, tool, "n/a: always verifies")
                        continue
                    self.sample_load()
                    r = measure(cmd + ["download", image_id, self.out] + flag, env)
                    self.check_size(r, tool)
                    self.runner.record(group, what, tool, "MB/s", self.with_rate(r, self.size))
                    self.rm(self.out)
                if verify:
                    self.runner.skip(group, what, "curl", "n/a: no verification")
                else:
                    self.sample_load()
                    r = measure(
                        ["curl", "-sSf", "-o", self.out]
                        + curl_headers
                        + curl_json('{"op_s":%{time_total},"bytes":%{size_download}}\n')
                        + [f"{curl_base}/v2/images/{image_id}/file"]
                    )
                    self.check_size(r, "curl")
                    self.runner.record(group, what, "curl", "MB/s", self.with_rate(r, self.size))
                    self.rm(self.out)
            for verify in [True, False]:
                flag = [] if verify else ["--no-verify"]
                what = "upload, verified" if verify else "upload, not verified"
                for tool, cmd in self.tools.items():
                    if tool in ("openstacksdk", "python-glanceclient") and verify:
                        self.runner.skip(group, what, tool, "n/a: does not verify uploads")
                        continue
                    variants = [(tool, [])]
                    # The default framing is chunked (falling back where
                    # refused); the other framing for comparison.
                    if tool in ("Rust API", "C ABI") and self.args.chunked:
                        variants.append((tool + ", Content-Length", ["--content-length"]))
                    for name, extra in variants:
                        self.sample_load()
                        args = ["upload", self.data] + flag + extra
                        if tool in ("openstacksdk", "python-glanceclient"):
                            args = ["upload", self.data]
                        r = measure(cmd + args, env)
                        self.runner.record(group, what, name, "MB/s", self.with_rate(r, self.size))
                if verify:
                    self.runner.skip(group, what, "curl", "n/a: no verification")
                else:
                    self.sample_load()
                    r = self.curl_upload(curl_base, curl_headers)
                    self.runner.record(group, what, "curl", "MB/s", self.with_rate(r, self.size))

    def curl_upload(self, base, headers):
        image_id = self.curl_create(base, headers)
        r = measure(
            ["curl", "-sSf", "-X", "PUT", "-H", "Content-Type: application/octet-stream",
             "-T", self.data, "-o", "/dev/null"]
            + headers
            + curl_json('{"op_s":%{time_total},"bytes":%{size_upload}}\n')
            + [f"{base}/v2/images/{image_id}/file"]
        )
        subprocess.run(
            ["curl", "-sSf", "-X", "DELETE", "-o", "/dev/null"] + headers
            + [f"{base}/v2/images/{image_id}"],
            check=True,
        )
        return r

    def curl_create(self, base, headers):
        body = json.dumps({"name": "bench-upload-curl", "disk_format": "raw",
                           "container_format": "bare"})
        out = subprocess.run(
            ["curl", "-sSf", "-X", "POST", "-H", "Content-Type: application/json",
             "--data", body] + headers + [f"{base}/v2/images"],
            capture_output=True, text=True, check=True,
        )
        return json.loads(out.stdout)["id"]

    def check_size(self, result, tool):
        got = result.get("bytes")
        if got is not None and int(got) != self.size:
            raise RuntimeError(f"{tool} moved {got} bytes, not {self.size}")

    def fast(self):
        base = self.start_server(self.data, 10)
        self.transfers("bench server (loopback, page cache)", self.fast_env,
                       "00000000-0000-0000-0000-000000000001", base, "bench")

    def real(self):
        token, base = self.real_token()
        headers = ["-H", f"X-Auth-Token: {token}"]
        log("uploading the image the real-Glance downloads read")
        image_id = self.curl_create(base, headers)
        try:
            subprocess.run(
                ["curl", "-sSf", "-X", "PUT", "-H", "Content-Type: application/octet-stream",
                 "-T", self.data, "-o", "/dev/null"] + headers
                + [f"{base}/v2/images/{image_id}/file"],
                check=True,
            )
            self.transfers("real Glance (local cloud, file store)", {}, image_id, base, token)
        finally:
            subprocess.run(["curl", "-sS", "-X", "DELETE", "-o", "/dev/null"] + headers
                           + [f"{base}/v2/images/{image_id}"])

    def real_token(self, settings=None):
        env = {**os.environ, **(settings or {})}
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": env["OS_USERNAME"], "domain": {"id": "default"},
                "password": env["OS_PASSWORD"]}}},
            "scope": {"project": {"name": env["OS_PROJECT_NAME"], "domain": {"id": "default"}}},
        }}
        request = urllib.request.Request(
            env["OS_AUTH_URL"] + "/auth/tokens", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            token = response.headers["X-Subject-Token"]
        return token, env["GLANCE_TEST_GLANCE_URL"]

    def big(self):
        size = self.args.big_mib * MIB
        group = (f"peak RSS, {size // MIB} MiB vs {self.size // MIB} MiB through the library "
                 "(bench server, verified; downloads discarded)")
        path = os.path.join(self.work, "big.bin")
        self.make_data(path, size)
        try:
            self.rss_rounds(group, path, size)
        finally:
            self.stop_server()
            self.rm(path, self.out)
        self.rss_rounds(group, self.data, self.size)

    def rss_rounds(self, group, data, size):
        self.start_server(data, 10)
        for _ in range(self.args.reps):
            for op, args in [("download", ["00000000-0000-0000-0000-000000000001", "-"]),
                             ("upload", [data])]:
                self.sample_load()
                r = measure([self.args.rust_client, op] + args, self.fast_env)
                r["value"] = r["rss_mib"]
                self.runner.record(group, f"{op} {size // MIB} MiB", "Rust API", "peak RSS MiB", r)
                self.rm(self.out)

    def listing_tools(self):
        return [t for t in self.tools if t != "C ABI"]

    def listings(self):
        targets = []
        self.start_server(self.data, self.args.list_images)
        targets.append((f"bench server, {self.args.list_images} images", self.fast_env))
        if not self.args.no_real:
            targets.append(("real Glance, seeded project", self.bench_user()))
        for label, env in targets:
            for page in self.args.page_sizes:
                group = f"listing all images, {label}"
                what = f"page size {page}"
                for rnd in range(self.args.reps):
                    for tool in self.listing_tools():
                        self.sample_load()
                        r = measure(self.tools[tool] + ["list", str(page)], env)
                        r["value"] = r["op_s"]
                        self.runner.record(group, what, tool, "list wall s", r)

    def bench_user(self, count=None):
        """The seeded project's settings; `count` images at least (default --seed)."""
        if getattr(self, "_bench_user", None) is None:
            count = count or self.args.seed
            log(f"the seeded catalogue of the real Glance ({count} images, created once)")
            out = subprocess.run(
                [self.args.python, self.args.seed_script, self.args.state, self.work,
                 str(count)],
                capture_output=True, text=True, check=True,
            )
            self._bench_user = json.loads(out.stdout.strip().splitlines()[-1])
        return self._bench_user

    def gets(self):
        n = self.args.gets
        targets = []
        self.start_server(self.data, max(n, 10))
        fast_ids = os.path.join(self.work, "fast-ids.txt")
        with open(fast_ids, "w") as f:
            for i in range(n):
                h = f"{i:032x}"
                f.write(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}\n")
        targets.append(("bench server", self.fast_env, fast_ids, self.fast_env["BENCH_ENDPOINT"], "bench"))
        if not self.args.no_real:
            settings = self.bench_user()
            real_ids = os.path.join(self.work, "real-ids.txt")
            with open(os.path.join(self.work, "seeded-ids.txt")) as f, open(real_ids, "w") as out:
                ids = [line for line in f.read().split() if line][:n]
                out.write("\n".join(ids) + "\n")
            token, base = self.real_token(settings)
            targets.append(("real Glance", settings, real_ids, base, token))
        for label, env, ids_file, base, token in targets:
            group = f"{n} sequential GET /v2/images/{{id}}, one client, {label}"
            for rnd in range(self.args.reps):
                for tool, cmd in self.tools.items():
                    self.sample_load()
                    r = measure(cmd + ["gets", ids_file], env)
                    r["value"] = r["median_ms"]
                    self.runner.record(group, "median latency", tool, "ms", r)
                self.sample_load()
                r = self.curl_gets(ids_file, base, token)
                self.runner.record(group, "median latency", "curl", "ms", r)

    def curl_gets(self, ids_file, base, token):
        config = os.path.join(self.work, "curl-gets.conf")
        with open(ids_file) as f, open(config, "w") as out:
            out.write(f'header = "X-Auth-Token: {token}"\n')
            for image_id in f.read().split():
                out.write(f'url = "{base}/v2/images/{image_id}"\noutput = "/dev/null"\n')
        r = measure(["curl", "-sSf", "-K", config, "-w", "%{time_total} %{num_connects}\n"])
        lines = [line.split() for line in r["_out"].splitlines() if line.strip()]
        latencies = sorted(float(t) * 1e3 for t, _ in lines)
        connects = sum(int(c) for _, c in lines)
        if connects != 1:
            log(f"curl used {connects} connections for {len(lines)} GETs")
        r["value"] = latencies[len(latencies) // 2]
        r["connects"] = connects
        return r

    def cli(self):
        """The commands people type: glancectl against `openstack image`
        (python-openstackclient), `glance` (python-glanceclient) and, when
        installed, `osc` (openstack_cli); each a fresh process that reads
        the OS_* settings, authenticates and asks, as at a shell."""
        n = self.args.cli_images
        env = self.bench_user(n)
        with open(os.path.join(self.work, "seeded-ids.txt")) as f:
            image_id = f.read().split()[0]
        bin_dir = os.path.dirname(self.args.python)
        tools = {
            "glancectl": {
                "list": [self.args.glancectl, "list", "--limit", str(n), "-f", "value"],
                "show": [self.args.glancectl, "show", image_id, "-f", "value"],
                "--version": [self.args.glancectl, "--version"],
            },
            "openstack image": {
                "list": [f"{bin_dir}/openstack", "image", "list", "--limit", str(n), "-f", "value"],
                "show": [f"{bin_dir}/openstack", "image", "show", image_id, "-f", "value"],
                "--version": [f"{bin_dir}/openstack", "--version"],
            },
            "glance": {
                "list": [f"{bin_dir}/glance", "image-list", "--limit", str(n)],
                "show": [f"{bin_dir}/glance", "image-show", image_id],
                "--version": [f"{bin_dir}/glance", "--version"],
            },
        }
        osc = shutil.which("osc")
        if osc:
            tools["osc (openstack_cli)"] = {
                "list": [osc, "image", "image", "list", "--limit", str(n)],
                "show": [osc, "image", "image", "show", image_id],
                "--version": [osc, "--version"],
            }
        group = f"command line, real Glance ({n} images listed), wall s of the whole process"
        labels = {"list": f"list {n} images", "show": "show one image", "--version": "--version"}
        for rnd in range(self.args.reps):
            for what, label in labels.items():
                for tool, commands in tools.items():
                    self.sample_load()
                    r = measure(commands[what], env, json_line=False)
                    r["value"] = r["proc_wall_s"]
                    r["cpu_s"] = r["proc_cpu_s"]
                    self.runner.record(group, label, tool, "wall s", r)
        if not osc:
            self.runner.skip(group, "all", "osc (openstack_cli)",
                             "not installed (cargo install openstack_cli puts `osc` on PATH)")

    def footprint(self):
        group = "footprint"
        tree = subprocess.run(
            ["cargo", "tree", "-e", "normal", "--prefix", "none"],
            capture_output=True, text=True, check=True, cwd=self.args.repo,
        ).stdout
        crates = {line.split(" (")[0] for line in tree.splitlines() if line.strip()}
        self.runner.record(group, "crates in the dependency tree (normal, default features, incl. itself)",
                           "Rust library", "crates", {"value": len(crates), "rss_mib": None, "cpu_s": None})
        for name in ["libglance_client.so", "libglance_client.a"]:
            path = os.path.join(self.args.target, "release", name)
            self.runner.record(
                group, f"{name} (unstripped {os.path.getsize(path) / MIB:.1f} MiB; "
                "the .a only loses its debug info)", "Rust library", "stripped MiB",
                {"value": self.stripped_mib(path), "rss_mib": None, "cpu_s": None})
        if not self.args.build_time:
            return
        variants = [("release build from clean (cargo build --release --lib)", {})]
        if self.args.lto_variant:
            variants.append((
                "the same with LTO and one codegen unit (not the project's profile)",
                {"CARGO_PROFILE_RELEASE_LTO": "fat", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "1"},
            ))
        for what, env in variants:
            clean = os.path.join(self.args.state, "clean-target")
            shutil.rmtree(clean, ignore_errors=True)
            log(f"{what} (own target dir)")
            self.sample_load()
            r = measure(["cargo", "build", "--release", "--lib", "--quiet", "--locked"],
                        {"CARGO_TARGET_DIR": clean, **env})
            r["value"] = r["op_s"]
            r["rss_mib"] = None
            r["cpu_s"] = None
            sizes = []
            for name in ["libglance_client.so", "libglance_client.a"]:
                kind = name.rsplit(".", 1)[1]
                sizes.append(f".{kind} {self.stripped_mib(os.path.join(clean, 'release', name)):.2f}")
            self.runner.record(group, f"{what}; stripped MiB: {', '.join(sizes)}",
                               "Rust library", "wall s", r)
            shutil.rmtree(clean, ignore_errors=True)

    def stripped_mib(self, path):
        stripped = os.path.join(self.work, os.path.basename(path) + ".stripped")
        flags = [] if path.endswith(".so") else ["--strip-debug"]
        subprocess.run(["strip"] + flags + ["-o", stripped, path], check=True)
        size = os.path.getsize(stripped) / MIB
        self.rm(stripped)
        return size

    # -- report --------------------------------------------------------------
    def table(self):
        def fmt(values, digits):
            med = statistics.median(values)
            lo, hi = min(values), max(values)
            if len(values) == 1:
                return f"{med:.{digits}f}"
            return f"{med:.{digits}f} [{lo:.{digits}f}–{hi:.{digits}f}]"

        lines = [
            "| group | what | tool | n | median [min–max] | unit | peak RSS MiB | client CPU s (op) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for group, what, tool, unit, results in self.runner.rows:
            if results is None:
                lines.append(f"| {group} | {what} | {tool} | 0 | — | {unit} | — | — |")
                continue
            values = [r["value"] for r in results]
            digits = {"MB/s": 0, "crates": 0, "ms": 3, "list wall s": 3, "wall s": 3}.get(unit, 2)
            rss = [r["rss_mib"] for r in results if r.get("rss_mib") is not None]
            cpu = [r["cpu_s"] for r in results if r.get("cpu_s") is not None]
            lines.append(
                f"| {group} | {what} | {tool} | {len(values)} | {fmt(values, digits)} | {unit} | "
                f"{fmt(rss, 1) if rss else '—'} | {fmt(cpu, 3) if cpu else '—'} |"
            )
        return "\n".join(lines + self.ratios())

    def ratios(self):
        """Verified transfers against one core's hashing ceiling (openssl
        speed, this run): a verified download hashes SHA-512, a verified
        upload MD5 and SHA-512 side by side on two threads, so its ceiling
        is the slower of the two."""
        limit = {}
        for group, what, tool, unit, results in self.runner.rows:
            if group == OPENSSL_GROUP and results:
                limit[what] = statistics.median(r["value"] for r in results)
        if "sha512" not in limit or "md5" not in limit:
            return []
        ceilings = {"download, verified": ("SHA-512", limit["sha512"]),
                    "upload, verified": ("min(SHA-512, MD5)", min(limit["sha512"], limit["md5"]))}
        lines = ["", "| ratio to one core's openssl speed | tool | median | ceiling |", "|---|---|---|---|"]
        for group, what, tool, unit, results in self.runner.rows:
            if what in ceilings and results and unit == "MB/s":
                name, ceiling = ceilings[what]
                value = statistics.median(r["value"] for r in results)
                lines.append(f"| {group}: {what} | {tool} | {value / ceiling:.2f}x | {name} {ceiling:.0f} MB/s |")
        return lines


def main():
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--work", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--rust-client", required=True)
    parser.add_argument("--c-client", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--peers", required=True)
    parser.add_argument("--seed-script", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--big-mib", type=int, default=4096)
    parser.add_argument("--list-images", type=int, default=10000)
    parser.add_argument("--page-sizes", type=lambda s: [int(x) for x in s.split(",")], default=[25, 1000])
    parser.add_argument("--seed", type=int, default=2000)
    parser.add_argument("--gets", type=int, default=1000)
    parser.add_argument("--glancectl", required=True)
    parser.add_argument("--cli-images", type=int, default=25)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--no-real", action="store_true",
                        help="leave the real Glance out of the list and gets sections")
    parser.add_argument("--no-build-time", dest="build_time", action="store_false")
    parser.add_argument("--no-chunked", dest="chunked", action="store_false",
                        help="leave out the uploads with the other framing (Content-Length)")
    parser.add_argument("--no-lto-variant", dest="lto_variant", action="store_false")
    args = parser.parse_args()
    sections = args.only.split(",")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        sys.exit(f"unknown sections {sorted(unknown)}; known: {','.join(SECTIONS)}")

    bench = Bench(args)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    bench.make_data(bench.data, bench.size)
    try:
        for section in SECTIONS:
            if section in sections:
                log(f"section {section}")
                getattr(bench, {"list": "listings"}.get(section, section))()
    finally:
        bench.stop_server()
        bench.rm(bench.data, bench.out)
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    load = bench.load or [0.0]
    print(f"glance-client benchmarks, {started}; {os.cpu_count()} CPUs, "
          f"{mem_kib / MIB:.0f} GiB RAM, {platform.platform()}; load average (1 min) during the run "
          f"{statistics.median(load):.2f} median [{min(load):.2f}–{max(load):.2f}]; "
          f"{args.reps} rounds; MB = 10^6 bytes.\n")
    print(bench.table())


if __name__ == "__main__":
    main()
