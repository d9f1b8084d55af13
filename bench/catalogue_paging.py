"""Cursor paging at depth: the first page and a page deep in the walk, side by side.

Loads 100,000 synthetic exercises into a throw-away database (SQLite by default, or the
PostgreSQL server named by --postgres), then times GET /exercises through the real app:
the first page, and a page 90% of the way through the keyset walk, for browsing (by slug),
for a filtered list and for the sync walk (`updated_since`, oldest change first). The ratio
deep/first is the figure that matters (target: at most 1.5). An OFFSET query at the same
depth is timed as well, to show what keyset paging avoids. The app is built with an
anonymous rate limit high enough for every request the run makes.

    .venv/bin/python bench/catalogue_paging.py
    .venv/bin/python bench/catalogue_paging.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import insert, text

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from fastapi.testclient import TestClient  # noqa: E402

from app.config import load_settings  # noqa: E402
from app.db import create_db_engine, throwaway_postgres_database, upgrade  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import Exercise, ExerciseFacet  # noqa: E402
from app.services.catalogue import sync_ordering  # noqa: E402
from app.services.exercises import BY_SLUG  # noqa: E402
from app.services.paging import encode_cursor  # noqa: E402
from app.vocabulary import Category, Difficulty, Equipment, Phase, TargetArea  # noqa: E402

SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
# Requests a minute from the one anonymous client the run is; the default (120) would
# answer 429 long before the run ends. The settings' upper bound.
UNLIMITED = 1_000_000
SYNC = sync_ordering(Exercise)
SINCE = "2000-01-01T00:00:00Z"


@contextmanager
def throwaway_database(postgres: str | None) -> Iterator[str]:
    if postgres is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    with throwaway_postgres_database(postgres) as url:
        yield url


@dataclass(frozen=True)
class Loaded:
    slugs: list[str]  # in browse order
    changes: list[tuple[datetime, uuid.UUID]]  # (updated_at, id) in sync order


def load(database_url: str, rows: int) -> Loaded:
    engine = create_db_engine(load_settings(database_url=database_url))
    upgrade(engine)
    rng = random.Random(42)  # synthetic data, not security
    now = datetime.now(UTC)
    slugs = []
    changes = []
    batch: list[dict[str, object]] = []
    facets: list[dict[str, object]] = []

    def flush() -> None:
        with engine.begin() as connection:
            connection.execute(insert(Exercise.__table__), batch)  # type: ignore[arg-type]
            connection.execute(insert(ExerciseFacet.__table__), facets)  # type: ignore[arg-type]
        batch.clear()
        facets.clear()

    for index in range(rows):
        exercise_id = uuid.uuid4()
        slug = f"synthetic-{index:06d}"
        slugs.append(slug)
        updated_at = now - timedelta(seconds=index)
        changes.append((updated_at, exercise_id))
        targets = rng.sample([t.value for t in TargetArea], 2)
        phases = [rng.choice([p.value for p in Phase])]
        equipment = [rng.choice([e.value for e in Equipment])]
        batch.append(
            {
                "id": exercise_id,
                "slug": slug,
                "name": f"Synthetic exercise {index}",
                "summary": "Generated for the paging benchmark.",
                "description": "Generated for the paging benchmark; not real guidance.",
                "category": rng.choice([c.value for c in Category]),
                "difficulty": rng.choice([d.value for d in Difficulty]),
                "target_areas": targets,
                "phases": phases,
                "equipment": equipment,
                "dosage": {"reps": 10, "frequency": "Daily"},
                "steps": ["Step one.", "Step two.", "Step three."],
                "cautions": ["Stop if it hurts."],
                "contraindications": [],
                "sources": ["mlh-physio-runners-lbp"],
                "licence": "CC-BY-4.0",
                "attribution": "benchmark",
                "seed_hash": None,
                "created_at": now,
                "updated_at": updated_at,
                "deleted_at": None,
            }
        )
        facets += [
            {"exercise_id": exercise_id, "facet": facet, "value": value}
            for facet, values in (("target", targets), ("phase", phases), ("equipment", equipment))
            for value in values
        ]
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return Loaded(slugs=sorted(slugs), changes=sorted(changes))


def median_ms(call: Callable[[], object], repeats: int) -> float:
    for _ in range(5):  # warm caches and the connection pool
        call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--postgres", help="PostgreSQL server URL (a database is made on it)")
    args = parser.parse_args()

    with throwaway_database(args.postgres) as database_url:
        started = time.perf_counter()
        loaded = load(database_url, args.rows)
        slugs, changes = loaded.slugs, loaded.changes
        loaded_s = time.perf_counter() - started
        depth = int(len(slugs) * 0.9)
        deep_cursor = encode_cursor(secret=SECRET, ordering=BY_SLUG.name, key=[slugs[depth - 1]])
        updated_at, last_id = changes[depth - 1]
        sync_cursor = encode_cursor(
            secret=SECRET,
            ordering=SYNC.name,
            key=SYNC.key_of(SimpleNamespace(updated_at=updated_at, id=last_id)),
        )
        settings = load_settings(
            database_url=database_url, secret_key=SECRET, anon_rate_limit_per_minute=UNLIMITED
        )
        app = create_app(settings)
        engine = app.state.engine
        with TestClient(app) as client:

            def first() -> None:
                response = client.get("/exercises", params={"limit": args.limit})
                assert response.status_code == 200
                assert response.json()["items"][0]["slug"] == slugs[0]

            def deep() -> None:
                response = client.get(
                    "/exercises", params={"limit": args.limit, "cursor": deep_cursor}
                )
                assert response.status_code == 200
                assert response.json()["items"][0]["slug"] == slugs[depth]

            def sync_first() -> None:
                response = client.get(
                    "/exercises", params={"updated_since": SINCE, "limit": args.limit}
                )
                assert response.status_code == 200, response.text
                assert response.json()["items"][0]["id"] == str(changes[0][1])

            def sync_deep() -> None:
                response = client.get(
                    "/exercises",
                    params={"updated_since": SINCE, "limit": args.limit, "cursor": sync_cursor},
                )
                assert response.status_code == 200, response.text
                assert response.json()["items"][0]["id"] == str(changes[depth][1])

            def offset() -> None:
                with engine.connect() as connection:
                    connection.execute(
                        text(
                            "SELECT id FROM exercise WHERE deleted_at IS NULL ORDER BY slug "
                            "LIMIT :limit OFFSET :offset"
                        ),
                        {"limit": args.limit, "offset": depth},
                    ).all()

            def first_offset() -> None:
                with engine.connect() as connection:
                    connection.execute(
                        text(
                            "SELECT id FROM exercise WHERE deleted_at IS NULL ORDER BY slug "
                            "LIMIT :limit OFFSET 0"
                        ),
                        {"limit": args.limit},
                    ).all()

            # A filtered walk too (a clinic syncing "all core exercises"): its deep page is
            # 90% of the way through the matching rows.
            filters = {"category": "core", "target": "hamstrings"}
            with engine.connect() as connection:
                matching = (
                    connection.execute(
                        text(
                            "SELECT slug FROM exercise e WHERE category = 'core' AND EXISTS ("
                            "SELECT 1 FROM exercise_facet f WHERE f.exercise_id = e.id "
                            "AND f.facet = 'target' AND f.value = 'hamstrings') ORDER BY slug"
                        )
                    )
                    .scalars()
                    .all()
                )
            filtered_depth = int(len(matching) * 0.9)
            filtered_cursor = encode_cursor(
                secret=SECRET, ordering=BY_SLUG.name, key=[matching[filtered_depth - 1]]
            )

            def filtered_first() -> None:
                response = client.get("/exercises", params={**filters, "limit": args.limit})
                assert response.json()["items"][0]["slug"] == matching[0]

            def filtered_deep() -> None:
                response = client.get(
                    "/exercises",
                    params={**filters, "limit": args.limit, "cursor": filtered_cursor},
                )
                assert response.json()["items"][0]["slug"] == matching[filtered_depth]

            # Interleave the measurements in the same run so that drift hits both sides.
            calls = {
                "first": first,
                "deep": deep,
                "ffirst": filtered_first,
                "fdeep": filtered_deep,
                "sfirst": sync_first,
                "sdeep": sync_deep,
            }
            samples: dict[str, list[float]] = {name: [] for name in calls}
            for _ in range(4):
                for name, call in calls.items():
                    samples[name].append(median_ms(call, args.repeats // 4))
            medians = {name: statistics.median(values) for name, values in samples.items()}
            first_median, deep_median = medians["first"], medians["deep"]
            ffirst, fdeep = medians["ffirst"], medians["fdeep"]
            sfirst, sdeep = medians["sfirst"], medians["sdeep"]
            offset_first = median_ms(first_offset, 20)
            offset_deep = median_ms(offset, 20)

    kind = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"catalogue paging benchmark: {args.rows:,} exercises on {kind}",
        f"(loaded in {loaded_s:.1f} s)",
    )
    print(f"GET /exercises?limit={args.limit}, median of {args.repeats} requests each, in-process")
    print(f"  first page                      {first_median:8.2f} ms")
    print(f"  deep page (after {depth:,} rows)  {deep_median:8.2f} ms")
    print(f"  ratio deep/first                {deep_median / first_median:8.2f}   (target <= 1.5)")
    print(f"filtered (category=core&target=hamstrings, {len(matching):,} matches):")
    print(f"  first page                      {ffirst:8.2f} ms")
    print(f"  deep page (after {filtered_depth:,} matches) {fdeep:8.2f} ms")
    print(f"  ratio deep/first                {fdeep / ffirst:8.2f}   (target <= 1.5)")
    print(f"sync walk (updated_since={SINCE}, oldest change first):")
    print(f"  first page                      {sfirst:8.2f} ms")
    print(f"  deep page (after {depth:,} rows)  {sdeep:8.2f} ms")
    print(f"  ratio deep/first                {sdeep / sfirst:8.2f}   (target <= 1.5)")
    print("for comparison, the raw SQL with OFFSET instead of a cursor:")
    print(f"  OFFSET 0                        {offset_first:8.2f} ms")
    print(f"  OFFSET {depth:,}                  {offset_deep:8.2f} ms")
    print(f"  ratio                           {offset_deep / offset_first:8.2f}")


if __name__ == "__main__":
    main()
