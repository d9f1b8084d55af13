"""Every `sh` and `python` example in the README, run in order against a live server, each
checking what it shows: the README cannot go stale. `console` blocks are shown, not run
(make, docker, ...), except the benchmark commands, run here with tiny sizes; and the
headers the README says CORS exposes are the ones it exposes."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url

from app.config import Settings
from app.db import PROJECT_ROOT
from app.ratelimit import Decision
from tests.conftest import AppFactory
from tests.live import live_site, postgres_under_test

pytestmark = pytest.mark.slow
README = (PROJECT_ROOT / "README.md").read_text()
BLOCKS = [
    (match.group(1), match.group(2), README[: match.start()].count("\n") + 1)
    for match in re.finditer(r"```(sh|python)\n(.*?)```", README, flags=re.DOTALL)
]


def section(title: str) -> str:
    return README.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("readme")
    with live_site(folder, "assess", "content:write", "clients:admin") as (base, key):
        yield {**os.environ, "BASE": base, "BACKPAIN_KEY": key}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the examples run: anything they write stays out of the project."""
    return tmp_path_factory.mktemp("readme-cwd")


def test_the_readme_has_runnable_examples_for_each_kind_of_user() -> None:
    kinds = [kind for kind, _, _ in BLOCKS]
    assert kinds.count("sh") >= 6
    assert kinds.count("python") >= 3


@pytest.mark.parametrize(
    ("kind", "code", "line"), BLOCKS, ids=[f"{kind}-line-{line}" for kind, _, line in BLOCKS]
)
def test_readme_example(
    kind: str, code: str, line: int, environment: dict[str, str], workdir: Path
) -> None:
    command = (
        ["bash", "-euo", "pipefail", "-c", code] if kind == "sh" else [sys.executable, "-c", code]
    )
    done = subprocess.run(
        command,
        env=environment,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"README line {line}:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr


CHECKS = re.compile(r"^\s*(assert |test |.*\| *grep -q )", re.MULTILINE)


@pytest.mark.parametrize(
    ("kind", "code", "line"), BLOCKS, ids=[f"{kind}-line-{line}" for kind, _, line in BLOCKS]
)
def test_every_example_checks_what_it_shows(kind: str, code: str, line: int) -> None:
    """Exiting 0 is not enough: each example fails when the behaviour it shows is wrong."""
    assert CHECKS.search(code), f"README line {line}: the example asserts nothing"


def test_cors_exposes_every_header_the_readme_lists(make_app: AppFactory) -> None:
    bullet = next(b for b in section("For frontend developers").split("\n- ") if "CORS" in b)
    listed = re.findall(r"`([A-Za-z-]+\*?)`", bullet.split(";", 1)[1])
    rate_limit = list(Decision(allowed=True, limit=1, remaining=0, reset_seconds=1).headers("x"))
    wanted = [h for name in listed for h in (rate_limit if name == "RateLimit-*" else [name])]
    assert {"ETag", "Location", "X-Request-ID", "Retry-After", *rate_limit} <= set(wanted)
    origin = "https://app.example"
    with TestClient(make_app(cors_origins=[origin, "https://admin.example"])) as client:
        response = client.get("/exercises?limit=1", headers={"Origin": origin})
    assert response.headers["access-control-allow-origin"] == origin
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {h.lower() for h in wanted} <= exposed


# The README's benchmark commands, with sizes small enough for a test.
TINY = {
    "bench/catalogue_paging.py": ["--rows", "300", "--repeats", "8"],
    "bench/assess_throughput.py": ["--seconds", "1", "--rounds", "1", "--connections", "2"],
}
BENCH_COMMANDS = [
    shlex.split(line.split("#", 1)[0])
    for block in re.findall(r"```console\n(.*?)```", section("Benchmarks"), flags=re.DOTALL)
    for line in block.splitlines()
    if line.startswith(".venv/bin/python bench/")
]


@pytest.mark.parametrize("command", BENCH_COMMANDS, ids=[" ".join(c[1:]) for c in BENCH_COMMANDS])
def test_readme_benchmark_command_runs(command: list[str], tmp_path: Path) -> None:
    script, *args = command[1:]
    if "--baseline" in args:
        # Another checkout to compare with: here, a clone of this one's last commit.
        if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
            pytest.skip("needs git and a git checkout of the project")
        baseline = tmp_path / "baseline"
        cloned = subprocess.run(
            ["git", "clone", "--quiet", str(PROJECT_ROOT), str(baseline)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert cloned.returncode == 0, cloned.stderr
        args[args.index("--baseline") + 1] = str(baseline)
    if "--postgres" in args:
        server = postgres_under_test()
        if server is None:
            pytest.skip("needs TEST_DATABASE_URL on a PostgreSQL server")
        args[args.index("--postgres") + 1] = (
            make_url(server).set(database="postgres").render_as_string(hide_password=False)
        )
    if script.endswith("assess_throughput.py") and not shutil.which("wrk"):
        pytest.skip("needs wrk (apt-get install wrk), as the README says")
    done = subprocess.run(
        [sys.executable, script, *args, *TINY[script]],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ratio" in done.stdout


def test_every_setting_is_in_the_configuration_table() -> None:
    table = section("Configuration")
    for name in Settings.model_fields:
        assert f"| `{name.upper()}` |" in table, name


def test_the_benchmark_figures_are_filled_in() -> None:
    figures = section("Benchmarks")
    assert "ASSESS_THROUGHPUT_FIGURES" not in figures
    assert re.search(r"\| \d+ \| 0\.\d+ \|", figures)  # measured req/s and ratios


def test_the_two_commands_are_the_quick_start() -> None:
    quick = section("Quick start")
    assert "make run" in quick
    assert "make test" in quick
    makefile = Path(PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^run: install$", makefile, flags=re.MULTILINE)
    assert re.search(r"^test: install$", makefile, flags=re.MULTILINE)
