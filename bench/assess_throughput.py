"""Throughput of POST /assess against a bare FastAPI echo of the same request body.

The servers run under the same uvicorn flags (one worker, uvloop, httptools), pinned to the
same CPU core, and wrk (pinned to the other core) loads them alternately, several rounds,
in one run. The bare echo validates the same body and returns it through a response model,
in both of FastAPI's styles: a plain `def` endpoint (the FastAPI template's style, run in
the thread pool) and an `async def` one (no thread hop, faster). Printed, for each: requests
a second, the ratio to each echo, and the server's CPU time per request (read from /proc,
so a busy machine moves it less than it moves throughput), and at the end each server's
peak memory (resident set):

    /assess, store: false                      target >= 0.6
    /assess, stored in SQLite                  target >= 0.35
    one 500-item batch against 500 single stored calls (time)   target <= 0.1

Each request is one of 64 different runners (RUNNER with its numbers, choices and tight
areas varied, seeded so that every run sends the same ones), picked at random, so that the
rules fire in different mixes from one request to the next as in real traffic; the echo
gets the same bodies, and a batch is made of them too.

`store: false` is measured twice: a stateless request (no subject_id), and one with a
subject_id, whose history (rule 14) is read from the database on every call. The batch is
compared with 500 single calls made two ways: concurrently (wrk -c16, where the server
groups their commits) and one after another (-c1, as a simple nightly loop would).

With `--baseline TREE` (another checkout of this project, say `git worktree add /tmp/base
<commit>`), that code is served too, on a database of its own, under the same flags and
core, and given the same loads in turn with the rest; its figures (and its peak memory)
are printed side by side with this code's.

    .venv/bin/python bench/assess_throughput.py     (needs Debian's wrk, and taskset)
    .venv/bin/python bench/assess_throughput.py --baseline /tmp/base
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func
from sqlmodel import Session, select

from app.models import AssessmentRecord
from app.models.assessments import AssessmentRequest
from app.rules.inputs import contract_errors
from app.services import stored_answers
from app.vocabulary import TightArea

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UVICORN_FLAGS = ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log"]
SERVER_CORE, LOAD_CORE = "0", "1"
BATCH_SIZE = 500

# A desk-working runner with a mileage jump and tight hips: most rules read something.
RUNNER = {
    "age_years": 38,
    "training": {
        "weekly_distance_km": 52,
        "baseline_weekly_distance_km": 40,
        "intensity_change": "increased",
        "added_speed_sessions": True,
        "running_experience_months": 30,
    },
    "sitting": {
        "hours_per_day": 9,
        "longest_bout_minutes": 110,
        "runs_straight_after_sitting": True,
    },
    "symptoms": {
        "pain_now": 3,
        "pain_worst_24h": 5,
        "onset": "gradual",
        "duration_days": 9,
        "tight_areas": ["hip_flexors", "hamstrings", "glutes"],
    },
    "activities": {"weight_training": True},
}
RUNNERS = 64


def runners(count: int = RUNNERS, seed: int = 2026) -> list[dict[str, object]]:
    """`count` different valid bodies: RUNNER with its values varied (the same every run)."""
    rng = random.Random(seed)
    areas = [area.value for area in TightArea]
    bodies: list[dict[str, object]] = []
    for _ in range(count):
        pain = rng.randint(0, 8)
        body = copy.deepcopy(RUNNER)
        body["age_years"] = rng.randint(18, 70)
        body["training"] = {
            "weekly_distance_km": rng.randint(10, 90),
            "baseline_weekly_distance_km": rng.randint(10, 70),
            "intensity_change": rng.choice(["decreased", "unchanged", "increased"]),
            "added_speed_sessions": rng.random() < 0.5,
            "running_experience_months": rng.randint(1, 120),
        }
        body["sitting"] = {
            "hours_per_day": rng.randint(2, 12),
            "longest_bout_minutes": rng.randint(20, 180),
            "runs_straight_after_sitting": rng.random() < 0.5,
        }
        body["symptoms"] = {
            "pain_now": pain,
            "pain_worst_24h": min(10, pain + rng.randint(0, 2)),
            "onset": rng.choice(["gradual", "sudden"]),
            "duration_days": rng.randint(1, 60),
            "tight_areas": rng.sample(areas, rng.randint(0, 3)),
            "locked_up": rng.random() < 0.1,
        }
        assert not contract_errors(AssessmentRequest.model_validate(body)), body
        bodies.append(body)
    return bodies


def variants() -> dict[str, list[dict[str, object]]]:
    """The bodies each measurement sends; SUBJECT becomes a random runner id (see wrk_script)."""
    pool = runners()
    return {
        "stateless": [{**body, "store": False} for body in pool],
        "history": [{**body, "subject_id": "SUBJECT", "store": False} for body in pool],
        "stored": [{**body, "subject_id": "SUBJECT"} for body in pool],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_memory_mb(self) -> float:
        """The most memory the server process has held so far (its peak resident set)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc/<pid>/status")


@dataclass
class Run:
    """One wrk run: requests a second, and the server's CPU time per request."""

    rps: float
    cpu_us: float


def in_tree(tree: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment of a command that runs `tree`'s code (this virtualenv's packages)."""
    return {**os.environ, **env, **({} if tree == ROOT else {"PYTHONPATH": str(tree)})}


@contextmanager
def server(target: str, env: dict[str, str], tree: Path = ROOT) -> Iterator[Server]:
    port = free_port()
    command = ["taskset", "-c", SERVER_CORE, str(BIN / "uvicorn"), target]
    process = subprocess.Popen(
        [*command, "--port", str(port), *UVICORN_FLAGS],
        cwd=tree,
        env=in_tree(tree, env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def wrk_script(folder: Path, name: str, bodies: Sequence[object], key: str) -> Path:
    """A wrk script that POSTs one of `bodies` at random with the key, and stops the run on
    the first error.

    A `subject_id` of SUBJECT becomes one of 10,000 runners at random, as in real use (a
    runner has a handful of assessments, not the whole run's)."""
    path = folder / f"{name}.lua"
    templates = ", ".join(json.dumps(json.dumps(body)) for body in bodies)
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["X-API-Key"] = "{key}"\n'
        f"local templates = {{{templates}}}\n"
        "local function runner() return '\"runner-' .. math.random(10000) .. '\"' end\n"
        "request = function()\n"
        "  local template = templates[math.random(#templates)]\n"
        "  return wrk.format(nil, nil, nil, (string.gsub(template, '\"SUBJECT\"', runner)))\n"
        "end\n"
        "response = function(status, headers, body)\n"
        "  if status >= 300 then\n"
        '    print("error: " .. status .. " " .. body)\n'
        "    wrk.thread:stop()\n"
        "  end\n"
        "end\n"
    )
    return path


def wrk(target: Server, path: str, script: Path, seconds: int, connections: int) -> Run:
    url = target.base + path
    cpu_before = target.cpu_seconds()
    done = subprocess.run(
        [
            *("taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s"),
            *("-s", str(script), url),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if "error:" in done.stdout or "Non-2xx" in done.stdout:
        raise SystemExit(f"the server answered with an error:\n{done.stdout}")
    cpu = target.cpu_seconds() - cpu_before
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    count = re.search(r"(\d+) requests in", done.stdout)
    if match is None or count is None:
        raise SystemExit(done.stdout + done.stderr)
    return Run(float(match.group(1)), cpu / int(count.group(1)) * 1e6)


def backpain(*args: str, env: dict[str, str], tree: Path = ROOT) -> str:
    done = subprocess.run(
        [str(BIN / "backpain"), *args],
        cwd=tree,
        env=in_tree(tree, env),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def ready_database(env: dict[str, str], tree: Path = ROOT) -> str:
    """Migrate and seed the database in `env` with `tree`'s code; a key that may assess."""
    backpain("migrate", env=env, tree=tree)
    backpain("seed", env=env, tree=tree)
    return backpain("clients", "create", "--name", "bench", "--scope", "assess", env=env, tree=tree)


def load_scripts(folder: Path, prefix: str, key: str) -> dict[str, Path]:
    """The wrk scripts for one served app (its key): each variant's, and "batch"'s (a
    batch of BATCH_SIZE stored requests); named with `prefix`."""
    bodies = variants()
    scripts = {name: wrk_script(folder, prefix + name, pool, key) for name, pool in bodies.items()}
    stored = bodies["stored"]
    items = [stored[index % len(stored)] for index in range(BATCH_SIZE)]
    scripts["batch"] = wrk_script(folder, prefix + "batch", [{"items": items}], key)
    return scripts


Load = tuple[str, Server, str, Path, int]  # (name, server, path, wrk script, connections)


def loads(prefix: str, target: Server, scripts: dict[str, Path], connections: int) -> list[Load]:
    """What one served app is given each round: every variant at `connections`, stored calls
    one at a time, and batches two at a time; each run named with `prefix`."""
    return [
        *((prefix + name, target, "/assess", scripts[name], connections) for name in variants()),
        (prefix + "stored_one_by_one", target, "/assess", scripts["stored"], 1),
        (prefix + "batch", target, "/assess/batch", scripts["batch"], 2),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of this project, given the same loads, printed side by side",
    )
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed: apt-get install wrk util-linux")

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {
            "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
            "ENVIRONMENT": "development",
            "RATE_LIMIT_PER_MINUTE": "1000000",
            "LOG_LEVEL": "warning",
        }
        key = ready_database(env)
        scripts = load_scripts(work, "", key)
        baseline_env = {**env, "DATABASE_URL": f"sqlite:///{work / 'baseline.db'}"}
        if args.baseline:
            baseline_key = ready_database(baseline_env, args.baseline.resolve())
            baseline_scripts = load_scripts(work, "baseline_", baseline_key)

        runs: dict[str, list[Run]] = {}
        with (
            server("bench.bare_app:app", env) as bare_def,
            server("bench.bare_app:async_app", env) as bare_async,
            server("app.main:app", env) as ours,
            server("app.main:app", baseline_env, args.baseline.resolve())
            if args.baseline
            else contextlib.nullcontext() as baseline,
        ):
            ok = httpx.post(f"{ours.base}/assess", json=RUNNER, headers={"X-API-Key": key})
            assert ok.status_code == 201, ok.text
            plan = [
                ("echo_def", bare_def, "/assess", scripts["stateless"], args.connections),
                ("echo_async", bare_async, "/assess", scripts["stateless"], args.connections),
                *loads("", ours, scripts, args.connections),
            ]
            if baseline is not None:  # the same loads, so that peak memory compares too
                plan += loads("baseline_", baseline, baseline_scripts, args.connections)
            for _ in range(args.rounds):  # alternate, so that drift hits every side alike
                for name, target, path, script, connections in plan:
                    runs.setdefault(name, []).append(
                        wrk(target, path, script, args.seconds, connections)
                    )
            memory = {
                "the def echo": bare_def.peak_memory_mb(),
                "the async def echo": bare_async.peak_memory_mb(),
                "the service": ours.peak_memory_mb(),
            }
            if baseline is not None:
                memory["the baseline"] = baseline.peak_memory_mb()

        sizes = stored_sizes(work / "bench.db")

    rps = {name: statistics.median(r.rps for r in values) for name, values in runs.items()}
    cpu = {name: statistics.median(r.cpu_us for r in values) for name, values in runs.items()}
    print(
        f"POST /assess, median of {args.rounds} alternating rounds of {args.seconds} s "
        f"(wrk -c{args.connections} unless said); servers on core {SERVER_CORE}, wrk on core "
        f"{LOAD_CORE}"
    )
    print(
        f"{'':44} {'req/s':>8}  {'ratio to def echo':>17}  {'ratio to async echo':>19}  "
        f"{'CPU/req':>9}"
    )
    rows = [
        ("echo_def", "bare FastAPI echo, def endpoint", None),
        ("echo_async", "bare FastAPI echo, async def endpoint", None),
        ("stateless", "/assess, store: false", 0.6),
        ("history", "/assess, store: false, with subject_id", 0.6),
        ("stored", "/assess, stored in SQLite", 0.35),
        ("stored_one_by_one", "/assess, stored, one call at a time (-c1)", None),
    ]
    for name, label, goal in rows:
        value = rps[name]
        print(
            f"  {label:<42} {value:8.0f}  {value / rps['echo_def']:17.2f}  "
            f"{value / rps['echo_async']:19.2f}  {cpu[name]:7.0f} us"
            + (f"  (target >= {goal})" if goal else "")
        )
    print(
        f"  /assess/batch of {BATCH_SIZE}, stored (-c2)              {rps['batch']:8.2f} batches/s "
        f"= {rps['batch'] * BATCH_SIZE:.0f} assessments/s, {cpu['batch'] / BATCH_SIZE:.0f} us "
        "CPU per assessment"
    )
    for name, how in (
        ("stored", f"concurrent (-c{args.connections})"),
        ("stored_one_by_one", "one at a time (-c1)"),
    ):
        time_share = (1 / rps["batch"]) / (BATCH_SIZE / rps[name])
        cpu_share = cpu["batch"] / (BATCH_SIZE * cpu[name])
        print(
            f"  a {BATCH_SIZE}-item batch against {BATCH_SIZE} single stored calls, {how}: "
            f"{time_share:.3f} of the time, {cpu_share:.3f} of the server CPU  (target <= 0.1)"
        )
    print(
        f"  stored in this run: {sizes.count} assessments; an answer takes "
        f"{sizes.packed:.0f} bytes compressed against {sizes.as_json:.0f} as JSON "
        f"({sizes.as_json / sizes.packed:.1f} times as many); the database with its "
        f"write-ahead log is {sizes.database / 1e6:.0f} MB"
    )
    print(
        "  peak memory (resident) of each server: "
        + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items())
    )
    if args.baseline:
        side_by_side(rps, cpu, args.baseline, memory)


def side_by_side(
    rps: dict[str, float], cpu: dict[str, float], baseline: Path, memory: dict[str, float]
) -> None:
    print(f"Side by side with {baseline} (the baseline), in the same rounds, under the same loads:")
    print(f"{'':44} {'this code':>22}  {'baseline':>22}")
    for name, label in (
        ("stateless", "/assess, store: false"),
        ("history", "/assess, store: false, with subject_id"),
        ("stored", "/assess, stored, concurrent"),
        ("stored_one_by_one", "/assess, stored, one at a time (-c1)"),
    ):
        ours, theirs = (f"{rps[n]:6.0f}/s {cpu[n]:6.0f} us" for n in (name, f"baseline_{name}"))
        print(f"  {label:<42} {ours:>22}  {theirs:>22}")
    ours, theirs = (
        f"{rps[n] * BATCH_SIZE:6.0f}/s {cpu[n] / BATCH_SIZE:6.0f} us"
        for n in ("batch", "baseline_batch")
    )
    print(f"  {'500-item batch (assessments, CPU each)':<42} {ours:>22}  {theirs:>22}")
    ours, theirs = (
        f"{rps[single] / (rps[batch] * BATCH_SIZE):.3f}"
        for batch, single in (
            ("batch", "stored_one_by_one"),
            ("baseline_batch", "baseline_stored_one_by_one"),
        )
    )
    print(f"  {'batch / 500 single calls one at a time':<42} {ours:>22}  {theirs:>22}")
    print(
        f"  {'peak memory':<42} {memory['the service']:>19.0f} MB  "
        f"{memory['the baseline']:>19.0f} MB"
    )


@dataclass
class StoredSizes:
    count: int
    packed: float  # average bytes of an answer as stored
    as_json: float  # average bytes of the same answers as JSON
    database: int  # bytes of the database file and its write-ahead log


def stored_sizes(path: Path) -> StoredSizes:
    """What the run stored: how many answers, their average size as stored and as JSON
    (read back from a sample of 1,000, as the service reads them), and the files' size."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as session:
            count, packed = session.exec(
                select(func.count(), func.avg(func.length(AssessmentRecord.result_zstd)))
            ).one()
            sample = session.exec(
                select(AssessmentRecord.result_zstd, AssessmentRecord.result_dictionary_id)
                .order_by(func.random())
                .limit(1000)
            ).all()
            as_json = statistics.mean(
                len(stored_answers.read(session, name).decompress(blob)) for blob, name in sample
            )
    finally:
        engine.dispose()
    database = sum(file.stat().st_size for file in path.parent.glob(path.name + "*"))
    return StoredSizes(int(count), float(packed), as_json, database)


if __name__ == "__main__":
    main()
