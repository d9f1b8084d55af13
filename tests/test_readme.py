"""Every `sh` and `python` example in the README, run in order against a live server: the
README cannot go stale. (`console` blocks are shown, not run: make, docker, ...)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from app.db import PROJECT_ROOT
from tests.live import live_site

pytestmark = pytest.mark.slow
README = (PROJECT_ROOT / "README.md").read_text()
BLOCKS = [
    (match.group(1), match.group(2), README[: match.start()].count("\n") + 1)
    for match in re.finditer(r"```(sh|python)\n(.*?)```", README, flags=re.DOTALL)
]


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("readme")
    with live_site(folder, "assess", "content:write", "clients:admin") as (base, key):
        yield {**os.environ, "BASE": base, "BACKPAIN_KEY": key}


def test_the_readme_has_runnable_examples_for_each_kind_of_user() -> None:
    kinds = [kind for kind, _, _ in BLOCKS]
    assert kinds.count("sh") >= 6
    assert kinds.count("python") >= 3


@pytest.mark.parametrize(
    ("kind", "code", "line"), BLOCKS, ids=[f"{kind}-line-{line}" for kind, _, line in BLOCKS]
)
def test_readme_example(kind: str, code: str, line: int, environment: dict[str, str]) -> None:
    command = (
        ["bash", "-euo", "pipefail", "-c", code] if kind == "sh" else [sys.executable, "-c", code]
    )
    done = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, f"README line {line}:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr


def test_every_setting_is_in_the_configuration_table() -> None:
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for name in Settings.model_fields:
        assert f"| `{name.upper()}` |" in table, name


def test_the_benchmark_figures_are_filled_in() -> None:
    section = README.split("## Benchmarks", 1)[1].split("\n## ", 1)[0]
    assert "ASSESS_THROUGHPUT_FIGURES" not in section
    assert re.search(r"\| \d+ \| 0\.\d+ \|", section)  # measured req/s and ratios


def test_the_two_commands_are_the_quick_start() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in quick
    assert "make test" in quick
    makefile = Path(PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^run: install$", makefile, flags=re.MULTILINE)
    assert re.search(r"^test: install$", makefile, flags=re.MULTILINE)
