"""The sample answers a stored answers' dictionary is trained on (app.rules.samples): the
same every time, valid requests, and between them every rule, risk factor, triage level and
running advice, so that the dictionary holds the words of every kind of answer."""

from __future__ import annotations

import json

from app.rules.codes import RiskFactorCode, RunningAdvice, TriageLevel
from app.rules.engine import RULES, Catalogue, assess
from app.rules.inputs import contract_errors
from app.rules.ruleset import load_ruleset
from app.rules.samples import SAMPLE_COUNT, sample_answers, sample_requests


def test_the_samples_are_the_same_every_time_and_valid() -> None:
    requests = sample_requests()
    assert len(requests) == SAMPLE_COUNT
    assert [r.model_dump_json() for r in requests] == [
        r.model_dump_json() for r in sample_requests()
    ]
    assert all(contract_errors(request) == [] for request in requests)
    assert sample_answers(load_ruleset()) == sample_answers(load_ruleset())


def test_between_them_the_samples_reach_every_rule_and_outcome() -> None:
    ruleset = load_ruleset()
    fired: set[str] = set()
    for index, request in enumerate(sample_requests()):
        evaluation = assess(
            request, ruleset=ruleset, catalogue=Catalogue(()), earlier_painful_assessments=index % 4
        )
        fired |= {trace["rule"] for trace in evaluation.trace["rules"] if trace["fired"]}
    assert fired == {rule.number for rule in RULES}
    answers = [json.loads(answer) for answer in sample_answers(ruleset)]
    assert {f["code"] for a in answers for f in a["risk_factors"]} == set(RiskFactorCode)
    assert {a["triage"]["level"] for a in answers} == set(TriageLevel)
    assert {a["running"]["advice"] for a in answers} == set(RunningAdvice)
