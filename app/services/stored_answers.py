"""Stored answers, compressed: an answer is kept as its JSON, zstd-compressed with a
dictionary made for the ruleset that wrote it.

An answer is about 10 KB of JSON, most of it the ruleset's own words (titles, sources,
action details, the disclaimer), which every answer repeats. The dictionary is a zstd
dictionary trained on sample answers under the same ruleset (`app.rules.samples`): the
passages answers share, and the statistics of their bytes, which zstd would otherwise work
out afresh for every answer. An answer compressed against it takes about a twelfth of its
size, in a third of the time that a dictionary of the ruleset's words alone took (stores
before this one used such dictionaries; their rows read back as before). The dictionary is
stored in the database beside the answers (table `answer_dictionary`, named by the SHA-256
of its content, referenced by each row), so an answer can be read back under any later
ruleset, or by anyone with the table and zstd (`zstd -D`).

An answer may be stored as more than one zstd frame, one after another (zstd reads such
a stream as the frames' contents joined, the `zstd` command included): the part of the
answer that comes from its actions on is the same for every answer with the same actions
(see Evaluation.ending), so its frame is compressed once, harder (ENDING_LEVEL), and
reused, and only the rest is compressed for each answer.

zstd contexts must not be used by two threads at once: each thread gets its own.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

import zstandard
from sqlalchemy import Connection, Executable, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from app.db import utcnow
from app.models import AnswerDictionary
from app.rules.engine import MAX_MADE
from app.rules.ruleset import Ruleset
from app.rules.samples import sample_answers

# zstd's fastest regular level, for the part of each answer compressed as it is stored.
LEVEL = 1
# The shared endings are compressed once each and kept (see Dictionary.compress_answer):
# harder, for smaller rows (on the benchmark's answers, 420 bytes against 575 at LEVEL;
# 40 us, once an ending).
ENDING_LEVEL = 9
LEVELS = (LEVEL, ENDING_LEVEL)
# The dictionary: its size, and the parameters of zstd's trainer (fastCover), fixed so that
# training takes a few hundredths of a second and the same samples always give the same
# dictionary (k and d as zstd's own search chose them for these samples).
DICTIONARY_BYTES = 32 * 1024
TRAIN_K, TRAIN_D = 1826, 8
# How many endings' frames a dictionary keeps (see Dictionary.compress_answer): as many as a
# catalogue snapshot keeps action lists (app.rules.engine.MAX_MADE), then it starts afresh.
MAX_ENDINGS = MAX_MADE

_TABLE = AnswerDictionary.__table__  # type: ignore[attr-defined]
# Whether the dictionary whose id is bound as "id" is stored (see is_stored).
HAS_DICTIONARY = select(_TABLE.c.id).where(_TABLE.c.id == bindparam("id"))


class StoredAnswerError(Exception):
    """A stored answer cannot be read (its dictionary is missing or not what it should be,
    or its bytes are damaged)."""


@dataclass(eq=False)
class Dictionary:
    """One compression dictionary, with this process's zstd contexts for it (one per thread:
    a zstd context must not be used by two threads at once)."""

    id: str
    content: bytes = field(repr=False)
    ruleset_version: str
    # The dictionary made ready for each of LEVELS (a compressor takes the level its
    # dictionary was made ready for, whatever level it is given).
    _zstd: dict[int, zstandard.ZstdCompressionDict | None] = field(
        init=False, repr=False, default_factory=dict
    )
    _local: threading.local = field(init=False, repr=False, default_factory=threading.local)
    # id(ending) -> (ending, its frame): see compress_answer.
    _endings: dict[int, tuple[bytes, bytes]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        for level in LEVELS:
            ready = None
            if self.content:
                # A trained dictionary, or (stored before those) plain content: zstd tells
                # them apart by the magic number a trained one begins with.
                ready = zstandard.ZstdCompressionDict(
                    self.content, dict_type=zstandard.DICT_TYPE_AUTO
                )
                ready.precompute_compress(level=level)
            self._zstd[level] = ready
        # The first decompression builds the dictionary's decompression tables, unguarded:
        # built here, once, before any thread can share the dictionary.
        self.decompress(self.compress(b"{}"))

    def compress(self, data: bytes | memoryview, *, level: int = LEVEL) -> bytes:
        """One zstd frame of `data`, at one of LEVELS."""
        compressors: dict[int, zstandard.ZstdCompressor] | None = getattr(
            self._local, "compressors", None
        )
        if compressors is None:
            compressors = self._local.compressors = {}
        compressor = compressors.get(level)
        if compressor is None:
            # With a checksum: a damaged row, or one read with the wrong dictionary, is an
            # error, never a different answer.
            compressor = compressors[level] = zstandard.ZstdCompressor(
                level=level, dict_data=self._zstd[level], write_checksum=True
            )
        return compressor.compress(data)

    def compress_answer(self, answer: bytes, ending: bytes) -> bytes:
        """`answer`, whose last bytes are `ending`, as two frames: the rest, compressed now,
        then `ending`'s frame, compressed the first time this object is seen and then kept
        (an ending is shared by every answer with the same actions; see
        Evaluation.ending)."""
        if not answer.endswith(ending):
            raise ValueError("the answer does not end with the ending given")
        kept = self._endings.get(id(ending))
        if kept is None or kept[0] is not ending:
            if len(self._endings) >= MAX_ENDINGS:
                self._endings.clear()
            kept = self._endings[id(ending)] = (ending, self.compress(ending, level=ENDING_LEVEL))
        return self.compress(memoryview(answer)[: len(answer) - len(ending)]) + kept[1]

    def decompress(self, data: bytes) -> bytes:
        """A stored answer: the contents of its frames, joined (one frame, or several)."""
        decompressor: zstandard.ZstdDecompressor | None = getattr(self._local, "decompressor", None)
        if decompressor is None:
            decompressor = self._local.decompressor = zstandard.ZstdDecompressor(
                dict_data=self._zstd[LEVEL]
            )
        parts: list[bytes] = []
        try:
            while True:
                frame = decompressor.decompressobj()
                parts.append(frame.decompress(data))
                if not frame.eof:
                    raise StoredAnswerError("a stored answer ends inside a frame")
                data = frame.unused_data
                if not data:
                    return b"".join(parts)
        except zstandard.ZstdError as error:
            raise StoredAnswerError(f"a stored answer does not decompress: {error}") from None


def dictionary_content(ruleset: Ruleset) -> bytes:
    """The dictionary for answers under `ruleset`: trained on its sample answers. The same
    ruleset always gives the same bytes (with the same zstd: another version may train
    another dictionary, stored beside the first, each row naming its own)."""
    samples: list[bytes | bytearray | memoryview] = [*sample_answers(ruleset)]
    trained = zstandard.train_dictionary(
        DICTIONARY_BYTES, samples, k=TRAIN_K, d=TRAIN_D, level=LEVEL, threads=1
    )
    return bytes(trained.as_bytes())


def content_id(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# No dictionary: how answers stored before dictionaries (migration 0004) are compressed.
NO_DICTIONARY = Dictionary(id="", content=b"", ruleset_version="")

_lock = threading.Lock()
_by_ruleset: dict[int, tuple[Ruleset, Dictionary]] = {}
_by_id: dict[str, Dictionary] = {}


def for_ruleset(ruleset: Ruleset) -> Dictionary:
    """The dictionary for answers written under `ruleset` (made once per ruleset)."""
    hit = _by_ruleset.get(id(ruleset))
    if hit is not None and hit[0] is ruleset:
        return hit[1]
    content = dictionary_content(ruleset)
    name = content_id(content)
    with _lock:
        made = _by_id.setdefault(name, Dictionary(name, content, ruleset.version))
        _by_ruleset[id(ruleset)] = (ruleset, made)
    return made


def is_stored(connection: Connection, dictionary: Dictionary) -> bool:
    """Whether the database holds the dictionary: asked in every group that stores answers,
    in the transaction that stores them, because a dictionary this process once wrote may
    have gone since (a transaction rolled back around it, a database restored), and an
    answer must never be stored without it."""
    return connection.execute(HAS_DICTIONARY, {"id": dictionary.id}).first() is not None


def store(connection: Connection, dictionary: Dictionary) -> None:
    """Write the dictionary in the connection's transaction; another process writing the
    same one at the same time is the same row (nothing happens)."""
    values = {
        "id": dictionary.id,
        "content": dictionary.content,
        "ruleset_version": dictionary.ruleset_version,
        "created_at": utcnow(),
    }
    statement: Executable
    if connection.dialect.name == "postgresql":
        statement = postgresql.insert(_TABLE).values(values).on_conflict_do_nothing()
    elif connection.dialect.name == "sqlite":
        statement = sqlite.insert(_TABLE).values(values).on_conflict_do_nothing()
    else:
        raise StoredAnswerError(f"no way to store a dictionary on {connection.dialect.name}")
    connection.execute(statement)


def read(session: Session, dictionary_id: str | None) -> Dictionary:
    """The dictionary a stored answer names (None: the one without a dictionary), from this
    process's memory or else from the database."""
    if dictionary_id is None:
        return NO_DICTIONARY
    known = _by_id.get(dictionary_id)
    if known is not None:
        return known
    row = session.exec(select(AnswerDictionary).where(AnswerDictionary.id == dictionary_id)).first()
    if row is None:
        raise StoredAnswerError(f"answer dictionary {dictionary_id} is missing")
    if content_id(row.content) != row.id:
        raise StoredAnswerError(f"answer dictionary {row.id} does not match its id")
    with _lock:
        return _by_id.setdefault(row.id, Dictionary(row.id, row.content, row.ruleset_version))
