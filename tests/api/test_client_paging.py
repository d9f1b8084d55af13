"""GET /clients is paged with cursors like every other list."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.models.clients import Scope
from tests.api.conftest import Caller, MakeCaller


def walk(client: TestClient, admin: Caller, limit: int) -> tuple[list[str], int]:
    """Every client name, following next_cursor to the end; and how many pages it took."""
    names: list[str] = []
    pages = 0
    cursor = None
    while True:
        params = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        response = client.get("/clients", params=params, headers=admin.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        names += [item["name"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return names, pages


def test_a_walk_lists_every_client_once_by_name(
    client: TestClient, admin: Caller, make_caller: MakeCaller
) -> None:
    for name in ("zeta-app", "alpha-app", "mid-app"):
        make_caller(name, Scope.assess)
    names, pages = walk(client, admin, limit=2)
    assert names == sorted(names)
    assert {"zeta-app", "alpha-app", "mid-app", "operator"} <= set(names)
    assert len(names) == len(set(names))
    assert pages == -(-len(names) // 2)


def test_revoked_clients_stay_listed(
    client: TestClient, admin: Caller, make_caller: MakeCaller
) -> None:
    make_caller("gone-app", Scope.assess)
    assert client.delete("/clients/gone-app", headers=admin.headers).status_code == 200
    names, _ = walk(client, admin, limit=1)
    assert "gone-app" in names


def test_the_first_page_holds_twenty_by_default(
    client: TestClient, admin: Caller, make_caller: MakeCaller
) -> None:
    for n in range(25):
        make_caller(f"app-{n:02d}", Scope.assess)
    page = client.get("/clients", headers=admin.headers).json()
    assert len(page["items"]) == 20
    assert page["next_cursor"]


def test_a_cursor_of_another_list_is_a_400_problem(client: TestClient, admin: Caller) -> None:
    other = client.get("/exercises", params={"limit": 1}).json()["next_cursor"]
    response = client.get("/clients", params={"cursor": other}, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/invalid-cursor"


def test_a_limit_over_100_is_a_422_naming_limit(client: TestClient, admin: Caller) -> None:
    response = client.get("/clients", params={"limit": 101}, headers=admin.headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]
