"""A real hub and real devices for the outsider suite (tests/outsider).

The suite speaks to `havend --hub` over TCP the way anyone on the network
could: with a plain Python gRPC client and the generated protobuf modules,
never through haven's own client code. This module starts the processes.

    from hubfixture import Hub, Device, hub_pb2

    with Hub() as hub:                       # temp home, token file, free port
        reply = hub.call("Challenge", hub_pb2.ChallengeRequest(vault_id=b"\\0" * 16),
                         hub_pb2.ChallengeReply)
        with Device() as d:                  # temp home, `haven init --kdf interactive`
            d.init()
            d.add_remote(hub)
            assert d.sync().returncode == 0

Environment (set by tests/outsider/CMakeLists.txt): HAVEN_HAVEND and HAVEN_HAVEN
are the built binaries; PYTHONPATH holds the generated haven/v1/*_pb2 modules.

Everything started here is stopped by close() / the with-block, also when a
test fails half way. Nothing here waits on time alone: hub start waits until
the port accepts connections (with a deadline), and every command has a
deadline after which it is killed and the test fails.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import grpc

from haven.v1 import daemon_pb2  # noqa: F401  (re-exported for tests)
from haven.v1 import hub_pb2  # noqa: F401  (re-exported for tests)

HAVEND = os.environ.get("HAVEN_HAVEND", "")
HAVEN = os.environ.get("HAVEN_HAVEN", "")

# A passphrase strong enough for `haven init`'s strength check.
PASSPHRASE = "outsider-suite: plum Kq7#vR2m lantern 1987"
# Deadline of one `haven` command (daemon start plus Argon2id "interactive").
COMMAND_TIMEOUT_S = 60
# Deadline for a hub to accept connections.
START_TIMEOUT_S = 20


class FixtureError(AssertionError):
    """A process of the fixture did not do what it must (fails the test)."""


def require_binaries():
    """FixtureError unless HAVEN_HAVEND and HAVEN_HAVEN name executables."""
    for name, path in (("HAVEN_HAVEND", HAVEND), ("HAVEN_HAVEN", HAVEN)):
        if not path or not os.access(path, os.X_OK):
            raise FixtureError(f"{name} must name the built binary (got {path!r})")


def free_port(host="127.0.0.1"):
    """A TCP port on `host` that was free a moment ago (bound to port 0)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def ipv6_loopback_available():
    """True when this machine can listen and connect on [::1]."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def wait_until(condition, timeout_s):
    """True as soon as condition() is; False once timeout_s has passed.

    A wait on a condition, checked every 20 ms, as WaitUntil in
    tests/e2e/harness.h: the deadline only ends a hang, it is no
    assumption about how fast anything is.
    """
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def accepts(host, port):
    """True when something accepts a TCP connection on host:port now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        try:
            s.connect((host, port))
            return True
        except OSError:
            return False


def wait_for_port(host, port, timeout_s=START_TIMEOUT_S, alive=lambda: True):
    """True once something accepts TCP connections on host:port; False when
    alive() turns false first or the time runs out."""
    return wait_until(lambda: not alive() or accepts(host, port), timeout_s) and alive()


def method_path(method):
    """'Challenge' -> '/haven.v1.Hub/Challenge'; a full path stays as is."""
    return method if method.startswith("/") else "/haven.v1.Hub/" + method


def unary(channel, method, request, reply_type, metadata=None, timeout=15):
    """One raw unary call; raises grpc.RpcError on a non-OK status.

    `request` is a message object or raw bytes (sent as they are).
    """
    serialize = (lambda b: b) if isinstance(request, (bytes, bytearray)) else (
        lambda m: m.SerializeToString())
    call = channel.unary_unary(method_path(method), request_serializer=serialize,
                               response_deserializer=reply_type.FromString)
    return call(request, metadata=metadata, timeout=timeout)


def status_of(fn):
    """Runs fn(); its grpc.StatusCode (OK when it returned) and details."""
    try:
        fn()
        return grpc.StatusCode.OK, ""
    except grpc.RpcError as e:
        return e.code(), e.details() or ""


class Hub:
    """`havend --home ROOT/home --hub --listen LISTEN --token-file ROOT/token`.

    listen_host: what --listen binds ("127.0.0.1", "::", "[::1]", "localhost").
    port: reuse a port (a second hub on the address of a first one); default a
    free one. extra_args: more havend flags. The hub's output goes to ROOT/hub.log.
    """

    def __init__(self, listen_host="127.0.0.1", port=None, extra_args=(), token=None):
        require_binaries()
        self.root = tempfile.mkdtemp(prefix="hv-outsider-hub-")
        self.home = os.path.join(self.root, "home")
        self.listen_host = listen_host
        bare = listen_host.strip("[]")
        self.port = port or free_port("127.0.0.1" if bare in ("::", "0.0.0.0", "localhost")
                                      else bare)
        self.token = token or f"outsider-token-{self.port}-{os.getpid()}"
        self.token_file = os.path.join(self.root, "token")
        with open(self.token_file, "w") as f:
            f.write(self.token + "\n")
        os.chmod(self.token_file, 0o600)
        self.extra_args = list(extra_args)
        self.log_path = os.path.join(self.root, "hub.log")
        self.process = None
        self._channels = []

    @property
    def listen(self):
        host = self.listen_host
        if ":" in host and not host.startswith("["):
            host = "[" + host + "]"
        return f"{host}:{self.port}"

    @property
    def address(self):
        """What a device gives `haven remote add`: 127.0.0.1:PORT."""
        return f"127.0.0.1:{self.port}"

    def start(self):
        """Starts havend and waits until 127.0.0.1:PORT accepts connections."""
        args = [HAVEND, "--home", self.home, "--hub", "--listen", self.listen,
                "--token-file", self.token_file, "--log-level", "info"] + self.extra_args
        log = open(self.log_path, "ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)
        log.close()
        if not wait_for_port("127.0.0.1", self.port, alive=self.running):
            out = self.output()
            self.kill()
            raise FixtureError(f"hub did not come up on {self.listen}:\n{out}")
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s=15):
        """SIGTERM and wait; returns the exit code (SIGKILL after timeout_s)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
                raise FixtureError("hub ignored SIGTERM:\n" + self.output())
        return self.process.returncode

    def kill(self):
        """SIGKILL and reap."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def output(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def channel(self, host="127.0.0.1", options=()):
        """An insecure channel to host:PORT (closed with the hub)."""
        target = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
        ch = grpc.insecure_channel(target, options=list(options))
        self._channels.append(ch)
        return ch

    def call(self, method, request, reply_type, channel=None, metadata=None, timeout=15):
        """unary() on `channel` (default: a fresh one to 127.0.0.1)."""
        return unary(channel or self.channel(), method, request, reply_type,
                     metadata=metadata, timeout=timeout)

    def healthy(self):
        """True when the hub still answers a Challenge on 127.0.0.1."""
        try:
            reply = self.call("Challenge", hub_pb2.ChallengeRequest(vault_id=os.urandom(16)),
                              hub_pb2.ChallengeReply, channel=self.channel())
            return len(reply.nonce) > 0
        except grpc.RpcError:
            return False

    def close(self):
        for ch in self._channels:
            ch.close()
        self._channels = []
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


class Device:
    """A device home for the real `haven` binary: ROOT/h with HAVEN_HOME,
    HAVEN_PASSPHRASE and a private XDG_RUNTIME_DIR. Its havend is stopped by
    close()."""

    def __init__(self, passphrase=PASSPHRASE):
        require_binaries()
        self.root = tempfile.mkdtemp(prefix="hv-outsider-dev-")
        self.home = os.path.join(self.root, "h")
        self.runtime_dir = os.path.join(self.root, "run")
        os.mkdir(self.runtime_dir, 0o700)
        self.passphrase = passphrase

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
        env.update(HAVEN_HOME=self.home, HAVEN_PASSPHRASE=self.passphrase,
                   XDG_RUNTIME_DIR=self.runtime_dir, NO_COLOR="1")
        return env

    def run(self, *args, timeout_s=COMMAND_TIMEOUT_S):
        """`haven ARGS...`; a CompletedProcess (text stdout/stderr)."""
        try:
            return subprocess.run([HAVEN] + list(args), env=self.env(), capture_output=True,
                                  text=True, stdin=subprocess.DEVNULL, timeout=timeout_s)
        except subprocess.TimeoutExpired as e:
            raise FixtureError(f"haven {' '.join(args)} timed out after {timeout_s} s: "
                               f"{e.stderr}")

    def run_ok(self, *args):
        """run() that must exit 0; returns the CompletedProcess."""
        r = self.run(*args)
        if r.returncode != 0:
            raise FixtureError(f"haven {' '.join(args)} exited {r.returncode}:\n"
                               f"{r.stdout}\n{r.stderr}")
        return r

    def init(self):
        """`haven --format json init --kdf interactive`: {vault_id, device_id, secret_key}."""
        return json.loads(self.run_ok("--format", "json", "init", "--kdf", "interactive").stdout)

    def add_remote(self, hub, name="hub", address=None):
        """`haven remote add NAME ADDRESS --token TOKEN` (address: hub.address)."""
        return self.run_ok("remote", "add", name, address or hub.address, "--token", hub.token)

    def sync(self, name=""):
        """`haven --format json sync [NAME]` (not checked)."""
        return self.run("--format", "json", "sync", *([name] if name else []))

    def log_entry(self, *args):
        """`haven log ARGS...` that must succeed; the new entry's id."""
        return self.run_ok("log", *args).stdout.strip()

    def join(self, hub, vault_id, secret_key):
        """`haven --format json join ADDR --vault V --secret-key K --token T` (not checked)."""
        return self.run("--format", "json", "join", hub.address, "--vault", vault_id,
                        "--secret-key", secret_key, "--token", hub.token)

    def daemon_pid(self):
        try:
            with open(os.path.join(self.home, "havend.lock")) as f:
                pid = int(f.read().split()[0])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            return pid if b"havend" in cmdline and self.home.encode() in cmdline else None
        except (OSError, ValueError, IndexError):
            return None

    def close(self):
        pid = self.daemon_pid()
        if pid is not None:
            try:
                self.run("daemon", "stop", timeout_s=15)
            except FixtureError:
                pass
            if not wait_until(lambda: self.daemon_pid() is None, 5):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
