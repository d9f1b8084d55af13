"""A catalogue snapshot's made things (link choices, actions, action lists) stay bounded:
a snapshot lives as long as the exercises do not change, so no mix of inputs may grow it
without end, and what it answers after starting afresh is what it answered before."""

from __future__ import annotations

import itertools

import pytest

from app.rules import engine
from app.rules.engine import Catalogue, CatalogueEntry, assess
from app.rules.ruleset import Ruleset
from app.vocabulary import TightArea
from tests.rules.conftest import valid_input


def test_a_snapshots_caches_never_pass_their_bound(
    ruleset: Ruleset, catalogue: tuple[CatalogueEntry, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "MAX_MADE", 5)
    snapshot = Catalogue(catalogue)
    # Every order of three tight areas, with pain or none: many different actions and lists.
    orders = list(itertools.permutations([area.value for area in TightArea], 3))[:40]
    for areas, pain in itertools.product(orders, (0, 3)):
        body = {"symptoms": {"pain_now": pain, "onset": "gradual", "duration_days": 3}}
        body["symptoms"]["tight_areas"] = list(areas)
        request = valid_input(body)
        answer = assess(request, ruleset=ruleset, catalogue=snapshot, explain=False).json
        fresh = assess(request, ruleset=ruleset, catalogue=Catalogue(catalogue), explain=False)
        assert answer == fresh.json
        for made in (snapshot._chosen, snapshot._actions, snapshot._action_lists):
            assert len(made) <= 5
