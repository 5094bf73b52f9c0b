"""Each school reaches 4807 with its own token, an account of its own (ASVS 13.2.1, 13.2.2).

The simulator, like 4807, answers a token with the one establishment it belongs to: a school's
token is not a key shared by the platform, and with no default token set a school without one of
its own gets nothing.
"""

from __future__ import annotations

import pytest
import requests

from msem.connector4807.services import CodeCheck, catalog_code_check
from msem.connector4807.simulator import Simulator, demo_establishment
from msem.schools.services import school_connector_token_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulator(settings):
    server = Simulator(establishments={"valneige-token": demo_establishment()}).start()
    settings.MSEM_4807_URL = server.url
    settings.MSEM_4807_TOKEN = ""  # no platform-wide token: each school has its own
    settings.MSEM_4807_CONNECT_TIMEOUT = 1
    settings.MSEM_4807_READ_TIMEOUT = 1
    yield server
    server.stop()


def test_a_school_is_served_with_its_own_token_and_another_school_not_with_it(school, other_school, simulator):
    school_connector_token_set(school=school, token="valneige-token")

    assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.KNOWN
    assert catalog_code_check(school=other_school, code="CE-ALPES").status == CodeCheck.UNREACHABLE


def test_a_school_token_revoked_at_4807_stops_that_school_only(school, other_school, simulator):
    school_connector_token_set(school=school, token="valneige-token")
    school_connector_token_set(school=other_school, token="autre-token")
    simulator.state.establishments["autre-token"] = demo_establishment()

    del simulator.state.establishments["valneige-token"]

    assert catalog_code_check(school=school, code="CE-ALPES").status == CodeCheck.UNREACHABLE
    assert catalog_code_check(school=other_school, code="CE-ALPES").status == CodeCheck.KNOWN


def test_a_school_reads_and_replays_its_own_sales_only(simulator):
    """4807 gives a school none of another's sales: neither its number by a replayed key, nor the sale itself."""
    simulator.state.establishments["autre-token"] = demo_establishment()
    sale = {
        "reference": "DEM-2026-00001",
        "client": {"name": "Léa Roux"},
        "lines": [{"code": "CP-1H"}],
        "total": "65.00",
    }

    def call(method: str, path: str, token: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{simulator.url}{path}", headers=headers, timeout=5, **kwargs)

    recorded = call("POST", "/sales", "valneige-token", json=sale, headers={"Idempotency-Key": "msem-1-sale-1"})
    assert recorded.status_code == 201
    number = recorded.json()["id"]

    assert call("GET", f"/sales/{number}", "valneige-token").json()["body"] == sale
    assert call("GET", f"/sales/{number}", "autre-token").status_code == 404
    replayed = call("POST", "/sales", "autre-token", json=sale, headers={"Idempotency-Key": "msem-1-sale-1"})
    assert (replayed.status_code, replayed.json()) == (409, {"error": "idempotency_key_reused"})
    assert len(simulator.sales) == 1
