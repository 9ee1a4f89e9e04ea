"""Real servers for tests, started on loopback and torn down afterwards.

- ``postgres_cluster()``: a throwaway PostgreSQL cluster in a temporary directory (Debian's
  server binaries; initdb refuses root, so as root it runs as the ``postgres`` user).
- ``s3_server()``: moto's standalone S3-compatible HTTP server on 127.0.0.1.

When a server cannot be had, ``ServiceUnavailable`` says why; fixtures skip on a developer
machine and fail under CI (``CI=true``), where the bootstrap has installed everything.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServiceUnavailable(RuntimeError):
    """A test service cannot run on this machine; the message says what is missing."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServiceUnavailable(
        "PostgreSQL server binaries not found; install them with: apt-get install postgresql"
    )


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a PostgreSQL cluster on a free loopback port; yields a SQLAlchemy URL."""
    bin_dir = _postgres_bin()
    prefix: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ServiceUnavailable("running as root but there is no 'postgres' user") from exc
        prefix = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="vividverse-pg-"))
    data = base / "data"
    port = free_port()
    try:
        data.mkdir()
        if owner is not None:
            for path in (base, data):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        subprocess.run(
            [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "--no-sync", "-E", "UTF8"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "60",
             "-l", str(base / "server.log"), "start"],
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        raise ServiceUnavailable(f"could not start PostgreSQL: {exc} {detail[-500:]!r}") from exc
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def s3_server() -> Iterator[str]:
    """Start moto's S3-compatible server on 127.0.0.1; yields its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise ServiceUnavailable(
            "moto[server] is not installed (pip install 'moto[server]')"
        ) from exc
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise ServiceUnavailable("moto's S3 server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
