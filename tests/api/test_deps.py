"""Parameters shared by the routers (app.api.deps)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("path", ["/exercises", "/advice", "/programmes"])
@pytest.mark.parametrize("number", ["1700000000", "1700000000000", "-5", "0.5"])
def test_updated_since_refuses_a_number(client: TestClient, path: str, number: str) -> None:
    # Documented as an RFC 3339 date-time; a number used to pass as a Unix time.
    response = client.get(path, params={"updated_since": number})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "updated_since"
    assert "RFC 3339" in error["detail"]
