"""The ruleset's exercise links against the seed catalogue: a misspelt slug or a filter that
matches nothing would otherwise drop exercises from every answer without a word."""

from __future__ import annotations

import pytest

from app.rules.codes import ActionCode
from app.rules.engine import CatalogueEntry, choose_exercises
from app.rules.ruleset import LinkSpec, Ruleset, load_ruleset
from app.vocabulary import TightArea


def _specs() -> list[tuple[str, LinkSpec]]:
    specs = []
    for code, action in load_ruleset().actions.items():
        for kind, spec in (("links", action.links), ("acute_links", action.acute_links)):
            if spec is not None:
                specs.append((f"{code}.{kind}", spec))
    return specs


SPECS = _specs()


def test_the_actions_the_contract_links_have_link_rules(ruleset: Ruleset) -> None:
    linked = {code for code, action in ruleset.actions.items() if action.links is not None}
    assert {
        ActionCode.stretch_and_foam_roll,
        ActionCode.gentle_stretching,
        ActionCode.core_and_postural_work,
    } <= linked
    assert ruleset.action(ActionCode.gentle_stretching).acute_links is not None


@pytest.mark.parametrize(("where", "spec"), SPECS, ids=[where for where, _ in SPECS])
def test_every_explicit_slug_is_in_the_catalogue(
    where: str, spec: LinkSpec, catalogue_by_slug: dict[str, CatalogueEntry]
) -> None:
    missing = [slug for slug in spec.slugs if slug not in catalogue_by_slug]
    assert missing == [], f"{where} links exercises the catalogue does not have"


@pytest.mark.parametrize(("where", "spec"), SPECS, ids=[where for where, _ in SPECS])
def test_every_link_rule_links_as_many_exercises_as_it_asks_for(
    where: str, spec: LinkSpec, catalogue: tuple[CatalogueEntry, ...]
) -> None:
    links = choose_exercises(spec, catalogue)
    if spec.slugs:
        assert [link.slug for link in links] == spec.slugs
    elif spec.per_area is not None:
        assert len(links) >= len(spec.general_areas), where
    else:
        assert len(links) == spec.limit, f"{where} matches fewer exercises than its limit"


@pytest.mark.parametrize("area", list(TightArea))
def test_every_tight_area_gets_its_full_share_of_exercises(
    area: TightArea, ruleset: Ruleset, catalogue: tuple[CatalogueEntry, ...]
) -> None:
    spec = ruleset.action(ActionCode.stretch_and_foam_roll).links
    assert spec is not None
    assert spec.per_area is not None
    links = choose_exercises(spec, catalogue, areas=[area])
    assert len(links) == spec.per_area
    by_slug = {entry.slug: entry for entry in catalogue}
    assert all(area.value in by_slug[link.slug].target_areas for link in links)
