"""Property-based: no shipment payload, however strange, makes the API answer 500 or half-write a shipment."""

import string
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from border_trade.extensions import db
from border_trade.shipments.models import Shipment

decimals = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.none(),
)
item = st.fixed_dictionaries(
    {},
    optional={
        "product_id": st.one_of(st.integers(min_value=-5, max_value=2**40), st.text(max_size=5), st.none()),
        "description_vi": st.one_of(st.text(max_size=400), st.none()),
        "hs_code": st.one_of(
            st.text(alphabet=string.digits, min_size=0, max_size=10),
            st.sampled_from(["08071900", "04090000", "00000000"]),
            st.none(),
        ),
        "quantity": decimals,
        "unit": st.one_of(st.text(max_size=12), st.none()),
        "net_weight_kg": decimals,
        "gross_weight_kg": decimals,
        "unit_price": decimals,
        "origin_criterion": st.one_of(st.sampled_from(["WO", "40%", "PC25", "PE", "CTH", ""]), st.text(max_size=14)),
        "fob_value": decimals,
        "packages": st.one_of(st.integers(), st.none()),
        "unexpected": st.integers(),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    items=st.lists(item, max_size=4), preferential=st.booleans(), currency=st.sampled_from(["USD", "VND", "KHR", "EUR"])
)
def test_no_item_payload_yields_a_server_error(client, auth, payload, items, preferential, currency):
    body = payload(
        items=items,
        preferential_tariff=preferential,
        currency=currency,
        planned_crossing_on=(date.today() + timedelta(days=2)).isoformat(),
    )
    before = db.session.query(Shipment).count()
    response = client.post("/api/v1/shipments", json=body, headers=auth)
    assert response.status_code in (201, 422), response.get_data(as_text=True)
    assert response.is_json and response.json
    after = db.session.query(Shipment).count()
    assert after == before + (1 if response.status_code == 201 else 0)
    if response.status_code == 422:
        assert response.json["errors"]
