"""GET /red-flags and /risk-factors: the vocabulary of /assess, from the ruleset."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.rules.codes import RedFlagCode, RiskFactorCode
from app.rules.ruleset import load_ruleset


def test_all_twelve_red_flags_emergency_first(client: TestClient) -> None:
    body = client.get("/red-flags").json()
    assert [item["code"] for item in body["items"]] == [code.value for code in RedFlagCode]
    assert body["next_cursor"] is None
    levels = [item["level"] for item in body["items"]]
    assert levels == ["emergency"] * 5 + ["urgent"] * 7
    for item in body["items"]:
        assert item["title"]
        assert item["explanation"]
        assert item["what_to_do"]
        assert item["sources"]
        assert item["ruleset_version"] == load_ruleset().version


def test_all_thirteen_risk_factors(client: TestClient) -> None:
    items = client.get("/risk-factors", params={"limit": 100}).json()["items"]
    assert [item["code"] for item in items] == [code.value for code in RiskFactorCode]
    spike = items[0]
    assert spike["level"] == "by_load_ratio"
    assert "1.3" in spike["summary"]
    assert all("{" not in item["summary"] for item in items)


def test_vocabulary_pages_with_cursors(client: TestClient) -> None:
    first = client.get("/risk-factors", params={"limit": 5}).json()
    second = client.get("/risk-factors", params={"limit": 5, "cursor": first["next_cursor"]}).json()
    third = client.get("/risk-factors", params={"limit": 5, "cursor": second["next_cursor"]}).json()
    codes = [i["code"] for i in first["items"] + second["items"] + third["items"]]
    assert codes == [code.value for code in RiskFactorCode]
    assert third["next_cursor"] is None
    wrong = client.get("/red-flags", params={"cursor": first["next_cursor"]})
    assert wrong.status_code == 400


def test_an_item_by_code_matches_what_assess_answers(client: TestClient) -> None:
    item = client.get("/red-flags/saddle_anaesthesia").json()
    assert item["href"] == "/red-flags/saddle_anaesthesia"
    assert item["title"] == load_ruleset().red_flag("saddle_anaesthesia").title
    same = client.get("/red-flags/saddle_anaesthesia").json()
    assert same["id"] == item["id"]  # stable ids


def test_unknown_codes_are_404(client: TestClient) -> None:
    assert client.get("/red-flags/headache").status_code == 404
    assert client.get("/risk-factors/bad_luck").status_code == 404


def test_vocabulary_has_etags(client: TestClient) -> None:
    etag = client.get("/red-flags").headers["etag"]
    assert client.get("/red-flags", headers={"If-None-Match": etag}).status_code == 304
