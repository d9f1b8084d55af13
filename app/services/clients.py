"""API clients and their keys: create (the key is shown once), list, revoke, authenticate.

A key is `bp_` and 43 random URL-safe characters. Only HMAC-SHA256(key, SECRET_KEY) is
stored; authentication recomputes it and compares in constant time. Changing SECRET_KEY
therefore invalidates every key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Sequence
from functools import lru_cache
from threading import Lock

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db import for_change, utcnow
from app.errors import CONFLICT, NOT_FOUND, ProblemError
from app.models.clients import (
    CLIENT_NAME_PATTERN,
    ApiClient,
    ClientPage,
    ClientPublic,
    ClientWithKey,
    Principal,
    Scope,
)
from app.services import audit
from app.services.paging import Ordering, keyset_page, text_key

KEY_PREFIX = "bp_"
_KEY_BYTES = 32
_SHOWN_PREFIX = 10
DEVELOPMENT_CLIENT = "local-development"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(_KEY_BYTES)


def hash_key(key: str, *, secret: str) -> str:
    # hmac.digest: the one-shot C implementation (every authenticated request runs this).
    return hmac.digest(secret.encode(), key.encode(), "sha256").hex()


@lru_cache(maxsize=4)
def _cache_secret(secret: str) -> bytes:
    """The key of the recent-keys cache's digests: derived from SECRET_KEY, never the same
    bytes as the HMAC's key."""
    return hashlib.blake2b(secret.encode(), digest_size=64, person=b"recent-keys").digest()


def cache_digest(key: str, *, secret: str) -> bytes:
    """What the recent-keys cache knows a key by: a keyed BLAKE2b digest of it, so that the
    cache never holds a key itself. (Not the stored HMAC: BLAKE2b is built into Python and
    takes under half the time of OpenSSL's HMAC-SHA256, on every authenticated request.)"""
    return hashlib.blake2b(key.encode(), key=_cache_secret(secret), digest_size=32).digest()


def looks_like_key(key: str) -> bool:
    return key.startswith(KEY_PREFIX) and 20 <= len(key) <= 100 and key.isascii()


def to_public(client: ApiClient) -> ClientPublic:
    return ClientPublic(
        id=client.id,
        name=client.name,
        scopes=[Scope(s) for s in client.scopes],
        key_prefix=client.key_prefix,
        created_at=client.created_at,
        revoked_at=client.revoked_at,
        revoked=client.revoked_at is not None,
    )


def create_client(
    *,
    session: Session,
    name: str,
    scopes: Sequence[Scope],
    secret: str,
    actor: Principal | None = None,
) -> tuple[ApiClient, str]:
    """A new client and its key (the only time the key exists outside the caller), with
    its audit entry; the caller commits. `actor` None: made from the command line."""
    if session.exec(select(ApiClient).where(ApiClient.name == name)).first() is not None:
        raise ProblemError(CONFLICT, f"A client named {name!r} already exists.")
    key = generate_key()
    client = ApiClient(
        name=name,
        scopes=sorted({Scope(s).value for s in scopes}),
        key_prefix=key[:_SHOWN_PREFIX],
        key_hash=hash_key(key, secret=secret),
    )
    session.add(client)
    try:
        session.flush()
    except IntegrityError:  # a concurrent create with the same name
        session.rollback()
        raise ProblemError(CONFLICT, f"A client named {name!r} already exists.") from None
    audit.record(
        session,
        actor=actor,
        action="create",
        resource="client",
        item_id=client.id,
        item=client.name,
        after=to_public(client).model_dump(mode="json"),
    )
    return client, key


def with_key(client: ApiClient, key: str) -> ClientWithKey:
    return ClientWithKey(**to_public(client).model_dump(), api_key=key)


def list_clients(*, session: Session) -> list[ApiClient]:
    """Every client, by name (for the command line, which prints them all)."""
    return list(session.exec(select(ApiClient).order_by(col(ApiClient.name))))


BY_NAME = Ordering("client:name", [text_key(ApiClient.name)])


def list_client_page(
    *, session: Session, limit: int, cursor: str | None, secret: str
) -> ClientPage:
    """One page of clients, revoked ones included, by name (names are unique)."""
    page = keyset_page(
        session, select(ApiClient), ordering=BY_NAME, limit=limit, cursor=cursor, secret=secret
    )
    return ClientPage(items=[to_public(c) for c in page.items], next_cursor=page.next_cursor)


def get_client(*, session: Session, name: str, for_update: bool = False) -> ApiClient:
    # A string that cannot be a name is not looked up (PostgreSQL refuses a NUL byte, say).
    query = select(ApiClient).where(ApiClient.name == name)
    if for_update:  # two revocations at once take turns: the second sees the first's
        query = for_change(query)
    client = session.exec(query).first() if re.fullmatch(CLIENT_NAME_PATTERN, name) else None
    if client is None:
        raise ProblemError(NOT_FOUND, f"No client named {name!r}.")
    return client


def revoke_client(*, session: Session, name: str, actor: Principal | None = None) -> ApiClient:
    """Revoke a client's key, with its audit entry; its stored assessments stay (and stay
    its own). The caller commits."""
    client = get_client(session=session, name=name, for_update=True)
    before = to_public(client).model_dump(mode="json")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        session.add(client)
        session.flush()
    audit.record(
        session,
        actor=actor,
        action="revoke",
        resource="client",
        item_id=client.id,
        item=client.name,
        before=before,
        after=to_public(client).model_dump(mode="json"),
    )
    # Forgotten once the revocation is committed (before, a request could cache it again).
    event.listen(session, "after_commit", lambda _: recent_keys.clear(), once=True)
    return client


class _RecentKeys:
    """Keys that authenticated in the last second, so that a busy client does not cost a
    database lookup on every request. A revocation is seen at once by the process that made
    it (it clears this cache) and within a second by every other."""

    def __init__(self, max_age: float, size: int = 4096) -> None:
        self.max_age = max_age
        self.size = size
        self._entries: dict[bytes, tuple[float, Principal]] = {}
        self._lock = Lock()
        # Counts the clears: a client read before a clear (a revocation committed while the
        # read was under way) may be stale, and is not kept.
        self.generation = 0

    def get(self, digest: bytes) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None or time.monotonic() - entry[0] > self.max_age:
            return None
        return entry[1]

    def put(self, digest: bytes, principal: Principal, *, read_in: int) -> None:
        """Keep `principal`, read from the database when `generation` was `read_in`."""
        with self._lock:
            if read_in != self.generation:
                return
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[digest] = (time.monotonic(), principal)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()


recent_keys = _RecentKeys(max_age=1.0)


def recently_authenticated(key: str, *, secret: str) -> Principal | None:
    """The client, if this key authenticated in the last second (no database needed)."""
    return recent_keys.get(cache_digest(key, secret=secret)) if looks_like_key(key) else None


def authenticate(*, session: Session, key: str, secret: str) -> Principal | None:
    """The live client whose key this is, or None."""
    if not looks_like_key(key):
        return None
    known_as = cache_digest(key, secret=secret)
    cached = recent_keys.get(known_as)
    if cached is not None:
        return cached
    generation = recent_keys.generation
    digest = hash_key(key, secret=secret)
    client = session.exec(select(ApiClient).where(ApiClient.key_hash == digest)).first()
    if client is None or not hmac.compare_digest(client.key_hash, digest):
        return None
    if client.revoked_at is not None:
        return None
    principal = Principal.of(client)
    recent_keys.put(known_as, principal, read_in=generation)
    return principal


def any_clients(*, session: Session) -> bool:
    return session.exec(select(ApiClient.id).limit(1)).first() is not None
