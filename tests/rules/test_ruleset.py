"""The versioned ruleset: it loads, every threshold cites a known source, every contract code
is defined, a broken ruleset is refused with a message naming the entry, and the file cannot
change without its version changing."""

from __future__ import annotations

import hashlib
import re

import pytest

from app.content.loader import bibliography
from app.rules.codes import ActionCode, RedFlagCode, RiskFactorCode
from app.rules.ruleset import RULESET_PATH, THRESHOLD_NAMES, Ruleset, RulesetError, parse_ruleset
from tests.rules.contract import ACTIONS, EMERGENCY_FLAGS, RED_FLAGS, RISK_FACTORS, URGENT_FLAGS

# The sha256 of ruleset.toml for each released version. Changing the file means releasing a
# new version: bump `version` in ruleset.toml and record the new file's hash here.
FINGERPRINTS = {
    "2026.11.1": "5e59efaebe5985142d6aa19842b1d651265e1e45ba04d05c4204b619d2d497a9",
}


@pytest.fixture(scope="module")
def toml_text() -> str:
    return RULESET_PATH.read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r} in ruleset.toml"
    return text.replace(old, new)


def without_table(text: str, header: str) -> str:
    """`text` without the TOML table `[header]` and its sub-tables."""
    name = header.strip("[]")
    lines = text.splitlines(keepends=True)
    start = lines.index(f"{header}\n")
    end = start + 1
    while end < len(lines) and not (
        lines[end].startswith("[") and not lines[end].startswith(f"[{name}.")
    ):
        end += 1
    return "".join(lines[:start] + lines[end:])


# --- The real ruleset ---------------------------------------------------------------------------


def test_ruleset_loads_with_a_version(ruleset: Ruleset):
    assert ruleset.version


def test_ruleset_parses_from_its_file(toml_text: str):
    assert parse_ruleset(toml_text.encode()).version


def test_every_threshold_the_engine_reads_is_defined(ruleset: Ruleset):
    assert set(THRESHOLD_NAMES) <= set(ruleset.thresholds)


@pytest.mark.parametrize("name", THRESHOLD_NAMES)
def test_every_threshold_names_a_known_source(ruleset: Ruleset, name: str):
    sources = ruleset.thresholds[name].sources
    assert sources
    assert set(sources) <= set(bibliography())


def test_every_source_key_in_the_ruleset_is_in_the_bibliography(ruleset: Ruleset):
    tables = [ruleset.thresholds, ruleset.red_flags, ruleset.risk_factors, ruleset.actions]
    cited = set(ruleset.pain_scale.sources)
    cited |= {key for table in tables for entry in table.values() for key in entry.sources}
    assert cited
    assert cited <= set(bibliography())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("load_ratio_moderate", 1.1),
        ("load_ratio_high", 1.3),
        ("sitting_hours_per_day", 8),
        ("sitting_bout_minutes", 60),
        ("persistent_duration_days", 42),
        ("new_runner_months", 6),
        ("age_new_episode_years", 50),
        ("history_painful_assessments", 2),
        ("history_window_days", 365),
        ("minimum_age_years", 16),
    ],
)
def test_threshold_holds_the_contract_value(ruleset: Ruleset, name: str, value: float):
    assert ruleset.threshold(name) == value


def test_pain_scale_bands_are_the_contract_bands(ruleset: Ruleset):
    bands = ruleset.pain_scale
    assert (bands.mild_from, bands.moderate_from, bands.severe_from) == (1, 4, 7)


def test_every_contract_red_flag_is_a_code_and_defined_with_its_level(ruleset: Ruleset):
    assert set(RED_FLAGS) <= {code.value for code in RedFlagCode}
    assert {code: ruleset.red_flag(code).level for code in RED_FLAGS} == {
        **dict.fromkeys(EMERGENCY_FLAGS, "emergency"),
        **dict.fromkeys(URGENT_FLAGS, "urgent"),
    }


def test_every_contract_risk_factor_is_a_code_and_defined(ruleset: Ruleset):
    assert set(RISK_FACTORS) <= {code.value for code in RiskFactorCode}
    assert set(RISK_FACTORS) <= set(ruleset.risk_factors)


def test_only_the_volume_spike_takes_its_level_from_the_load_ratio(ruleset: Ruleset):
    by_ratio = [code for code, rf in ruleset.risk_factors.items() if rf.level == "by_load_ratio"]
    assert by_ratio == ["training_volume_spike"]


def test_every_contract_action_is_a_code_and_defined(ruleset: Ruleset):
    assert set(ACTIONS) <= {code.value for code in ActionCode}
    assert set(ACTIONS) <= set(ruleset.actions)


def test_action_codes_keep_the_contract_order():
    codes = [code.value for code in ActionCode]
    assert [code for code in codes if code in ACTIONS] == list(ACTIONS)


def test_every_code_the_ruleset_defines_is_a_code_the_engine_knows(ruleset: Ruleset):
    assert set(ruleset.red_flags) <= {code.value for code in RedFlagCode}
    assert set(ruleset.risk_factors) <= {code.value for code in RiskFactorCode}
    assert set(ruleset.actions) <= {code.value for code in ActionCode}


# --- A broken ruleset is refused ----------------------------------------------------------------


def test_ruleset_missing_a_risk_factor_is_refused_naming_it(toml_text: str):
    broken = without_table(toml_text, "[risk_factors.age_over_50_new_episode]")
    with pytest.raises(RulesetError, match=r"risk_factors is missing: age_over_50_new_episode"):
        parse_ruleset(broken.encode())


def test_ruleset_missing_a_red_flag_is_refused_naming_it(toml_text: str):
    broken = without_table(toml_text, "[red_flags.constant_night_pain]")
    with pytest.raises(RulesetError, match=r"red_flags is missing: constant_night_pain"):
        parse_ruleset(broken.encode())


def test_ruleset_missing_an_action_is_refused_naming_it(toml_text: str):
    broken = without_table(toml_text, "[actions.running_technique_analysis]")
    with pytest.raises(RulesetError, match=r"actions is missing: running_technique_analysis"):
        parse_ruleset(broken.encode())


def test_ruleset_missing_a_threshold_is_refused_naming_it(toml_text: str):
    broken = without_table(toml_text, "[thresholds.sitting_bout_minutes]")
    with pytest.raises(RulesetError, match=r"thresholds is missing: sitting_bout_minutes"):
        parse_ruleset(broken.encode())


def test_ruleset_citing_an_unknown_source_is_refused_naming_the_entry_and_key(toml_text: str):
    broken = replace_once(
        toml_text, 'sources = ["nielsen-2014"]', 'sources = ["nielsen-2014", "no-such-study"]'
    )
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(broken.encode())
    message = str(caught.value)
    assert "thresholds.load_ratio_moderate.sources" in message
    assert "no-such-study" in message


def test_ruleset_threshold_without_sources_is_refused_naming_it(toml_text: str):
    broken = replace_once(toml_text, 'sources = ["nielsen-2014"]', "sources = []")
    with pytest.raises(RulesetError, match=r"thresholds\.load_ratio_moderate\.sources"):
        parse_ruleset(broken.encode())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("moderate_from = 4", "moderate_from = 7"),  # equal to severe_from
        ("moderate_from = 4", "moderate_from = 1"),  # equal to mild_from
        ("severe_from = 7", "severe_from = 3"),  # below moderate_from
    ],
    ids=["moderate_equals_severe", "moderate_equals_mild", "severe_below_moderate"],
)
def test_ruleset_with_a_pain_scale_that_does_not_rise_is_refused(toml_text: str, old, new):
    broken = replace_once(toml_text, old, new)
    with pytest.raises(RulesetError, match=r"pain_scale.*bands must rise"):
        parse_ruleset(broken.encode())


def test_ruleset_whose_mild_band_does_not_start_at_1_is_refused(toml_text: str):
    # Otherwise pain 1 would be severity `none`, while the rules count it as pain.
    broken = replace_once(toml_text, "mild_from = 1", "mild_from = 2")
    with pytest.raises(RulesetError, match=r"pain_scale\.mild_from"):
        parse_ruleset(broken.encode())


@pytest.mark.parametrize(
    ("threshold", "old", "new", "message"),
    [
        ("load_ratio_high", "1.3", "1.0", "load_ratio_moderate < load_ratio_high"),
        ("load_ratio_high", "1.3", "1.1", "load_ratio_moderate < load_ratio_high"),
        ("load_ratio_moderate", "1.1", "-0.5", "1 < load_ratio_moderate"),
        ("sitting_hours_per_day", "8", "25", "sitting_hours_per_day: must be above 0"),
        ("sitting_bout_minutes", "60", "60.5", "sitting_bout_minutes: must be a whole number"),
        ("history_painful_assessments", "2", "0", "history_painful_assessments: must be a whole"),
        ("persistent_duration_days", "42", "-42", "persistent_duration_days: must be a whole"),
    ],
)
def test_ruleset_with_incoherent_thresholds_is_refused_naming_them(
    toml_text: str, threshold: str, old: str, new: str, message: str
):
    table = f"[thresholds.{threshold}]\nvalue = {old}\n"
    broken = replace_once(toml_text, table, table.replace(f"value = {old}", f"value = {new}"))
    with pytest.raises(RulesetError, match=re.escape(message)):
        parse_ruleset(broken.encode())


def test_ruleset_that_is_not_toml_is_refused():
    with pytest.raises(RulesetError, match=r"ruleset\.toml: not valid TOML"):
        parse_ruleset(b"version = ")


def test_ruleset_with_an_unknown_entry_is_refused_naming_it(toml_text: str):
    broken = replace_once(toml_text, "[area_names]\n", '[area_names]\nknees = "knees"\n')
    with pytest.raises(RulesetError, match=r"area_names\.knees"):
        parse_ruleset(broken.encode())


# --- The fingerprint ----------------------------------------------------------------------------


def test_ruleset_file_matches_the_fingerprint_recorded_for_its_version(ruleset: Ruleset):
    digest = hashlib.sha256(RULESET_PATH.read_bytes().replace(b"\r\n", b"\n")).hexdigest()
    assert ruleset.version in FINGERPRINTS, (
        f"ruleset version {ruleset.version} has no recorded fingerprint; record {digest}"
    )
    assert digest == FINGERPRINTS[ruleset.version], (
        f"ruleset.toml changed but its version ({ruleset.version}) did not: bump the version "
        f"and record the new fingerprint {digest}"
    )
