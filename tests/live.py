"""Running the real thing: the `backpain` command and a live server in a subprocess."""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url

from app.config import normalise_database_url
from app.db import throwaway_postgres_database

BACKPAIN = str(Path(sys.executable).parent / "backpain")


def backpain(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BACKPAIN, *args],
        env={**os.environ, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(database_url: str, *args: str, **env: str) -> Iterator[str]:
    """`backpain serve` in the background; yields its base URL. Output goes to a file (a pipe
    nobody reads would fill up and stall the server)."""
    port = _free_port()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (closed in finally)
    process = subprocess.Popen(
        [BACKPAIN, "serve", "--port", str(port), *args],
        env={**os.environ, "DATABASE_URL": database_url, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"server did not start:\n{log.read()}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class _Link:
    """One forwarded connection: the service's end, the database's end, and, while the
    forwarder is frozen, the bytes each side sent that were not passed on."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self.held: dict[socket.socket, list[bytes]] = {client: [], upstream: []}
        self.hung_up = False  # an end closed while frozen

    def peer(self, end: socket.socket) -> socket.socket:
        return self.upstream if end is self.client else self.client

    def reset(self) -> None:
        for end in (self.client, self.upstream):
            # SO_LINGER 0: a reset, like a peer that is gone; shutdown wakes the pump thread
            # blocked in recv() (close alone would leave the connection open under it).
            with contextlib.suppress(OSError):
                end.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                end.shutdown(socket.SHUT_RDWR)
            end.close()


class TcpForwarder:
    """A TCP forwarder between the service and its database that a test can break in two
    ways, as a network does:

    - stop(): every connection is reset and new ones are refused (the server went down, or
      a router said so); start() listens again on the same port.
    - freeze(): nothing is passed on any more, but every socket stays open and new
      connections are accepted (packets silently dropped: no reset, no refusal, only
      silence). thaw() passes on what was held, as a network that comes back delivers what
      its senders retransmit, except on connections an end gave up on meanwhile: those are
      reset and what they sent is dropped (a sender that gave up retransmits nothing).
    - freeze_at(marker, deliver=...): the same freeze, from the moment the service sends
      bytes containing `marker` (e.g. b"COMMIT\x00", the statement); with deliver, those
      bytes get through first (the database gets the COMMIT, its answer is lost), without,
      they are held.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = _free_port()
        self._listener: socket.socket | None = None
        self._links: set[_Link] = set()
        self._frozen = False
        self._trigger: tuple[bytes, bool] | None = None  # see freeze_at()
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._listener is not None:  # listening already
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            listener.close()
        with self._lock:
            links, self._links, self._frozen = self._links, set(), False
        for link in links:
            link.reset()

    def freeze(self) -> None:
        with self._lock:
            self._frozen = True

    def freeze_at(self, marker: bytes, *, deliver: bool) -> None:
        with self._lock:
            self._trigger = (marker, deliver)

    def thaw(self) -> None:
        with self._lock:
            self._frozen, self._trigger = False, None
            for link in list(self._links):
                if link.hung_up:
                    self._links.discard(link)
                    link.reset()
                    continue
                for end, chunks in link.held.items():
                    with contextlib.suppress(OSError):
                        link.peer(end).sendall(b"".join(chunks))
                    chunks.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            link = _Link(client, upstream)
            with self._lock:
                self._links.add(link)
            for source in (client, upstream):
                threading.Thread(target=self._pump, args=(link, source), daemon=True).start()

    def _pump(self, link: _Link, source: socket.socket) -> None:
        sink = link.peer(source)
        try:
            while chunk := source.recv(65536):
                with self._lock:
                    if self._trigger and source is link.client and self._trigger[0] in chunk:
                        self._frozen, deliver = True, self._trigger[1]
                        self._trigger = None
                        if deliver:
                            sink.sendall(chunk)
                            continue
                    if self._frozen:
                        link.held[source].append(chunk)
                        continue
                sink.sendall(chunk)
        except OSError:
            pass
        with self._lock:
            if self._frozen:  # the silence hides the hang-up too, until thaw()
                link.hung_up = True
                return
        for end in (source, sink):  # closed by stop()
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


def postgres_under_test() -> str | None:
    """TEST_DATABASE_URL (normalised) when it names a PostgreSQL server, else None."""
    explicit = os.environ.get("TEST_DATABASE_URL")
    url = normalise_database_url(explicit) if explicit else None
    return url if url and make_url(url).get_backend_name() == "postgresql" else None


@contextmanager
def site_database(folder: Path) -> Iterator[str]:
    """The database of a live site: a SQLite file in `folder` or, when TEST_DATABASE_URL
    names a PostgreSQL server (CI), a throw-away database of its own there."""
    server = postgres_under_test()
    if server is None:
        yield f"sqlite:///{folder / 'live.db'}"
        return
    with throwaway_postgres_database(server) as url:
        yield url


@contextmanager
def live_site(folder: Path, *scopes: str) -> Iterator[tuple[str, str]]:
    """A live server on a fresh, migrated, seeded database (see `site_database`), and a key
    with `scopes`: yields (base URL, key)."""
    with site_database(folder) as url:
        for command in (("migrate",), ("seed",)):
            done = backpain(*command, database_url=url)
            assert done.returncode == 0, done.stderr
        scope_args = [arg for scope in scopes for arg in ("--scope", scope)]
        created = backpain("clients", "create", "--name", "live", *scope_args, database_url=url)
        assert created.returncode == 0, created.stderr
        with serving(url) as base:
            yield base, created.stdout.strip()
