"""A client generated from openapi/openapi.json by openapi-python-client (a tool no one here
wrote), used against a live server: the document is exact enough to build on."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from app.db import PROJECT_ROOT
from app.openapi_examples import LOCKED_UP
from app.services.seed import load_content_files
from tests.live import live_site

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Generate the client package into a temporary folder and make it importable."""
    folder = tmp_path_factory.mktemp("client")
    done = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(PROJECT_ROOT / "openapi" / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(folder / "backpain_client"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"},  # it formats with ruff
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout
    sys.path.insert(0, str(folder))
    yield "backpain_client"
    sys.path.remove(str(folder))
    for name in [m for m in sys.modules if m.startswith("backpain_client")]:
        del sys.modules[name]


def module(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with live_site(tmp_path, "assess") as site:
        yield site


def test_the_generated_client_assesses_pages_and_reads_back(
    generated: str, server: tuple[str, str]
) -> None:
    base, key = server
    client_module: Any = module(generated)
    models: Any = module(f"{generated}.models")
    assess: Any = module(f"{generated}.api.assessment.assess")
    get_assessment: Any = module(f"{generated}.api.assessment.get_assessment")
    list_exercises: Any = module(f"{generated}.api.exercises.list_exercises")

    with client_module.AuthenticatedClient(base_url=base, token=key) as client:
        answer = assess.sync(client=client, body=models.AssessmentRequest.from_dict(LOCKED_UP))
        assert isinstance(answer, models.Assessment)
        assert [factor.code.value for factor in answer.risk_factors] == ["acute_episode"]
        assert answer.running.advice.value == "stop"

        again = get_assessment.sync(client=client, assessment_id=answer.id)
        assert isinstance(again, models.Assessment)
        assert again.id == answer.id
        assert again.triage.level == answer.triage.level

        slugs: list[str] = []
        pages = 0
        cursor = None
        while True:
            pages += 1
            page = list_exercises.sync(
                client=client,
                target=[models.TargetArea.HAMSTRINGS],
                category=models.Category.STRETCH,
                limit=1,
                **({"cursor": cursor} if cursor else {}),
            )
            assert isinstance(page, models.ExercisePage)
            for item in page.items:
                assert item.category == models.Category.STRETCH
                assert models.TargetArea.HAMSTRINGS in item.target_areas
                slugs.append(item.slug)
            cursor = page.next_cursor
            if not cursor:
                break
        expected = sorted(
            e.slug
            for e in load_content_files().exercises
            if e.category == "stretch" and "hamstrings" in e.target_areas
        )
        assert slugs == expected
        assert pages == len(expected) >= 2  # one item a page: the cursor was followed

        missing = get_assessment.sync(client=client, assessment_id=answer.id.__class__(int=0))
        assert isinstance(missing, models.Problem)
        assert missing.status == 404
