"""The crossing manifest prints the buyer's live receipt link as a second QR code, labelled for the buyer; without
a live link (none yet, or used) it prints none."""

import io

from pypdf import PdfReader

from border_trade.receipts.links import create_link, url_of
from tests.receipts.conftest import body


def manifest_text(client, headers, shipment):
    response = client.get(f"/api/v1/shipments/{shipment.reference}/pdf/crossing-manifest?lang=vi,km", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_manifest_prints_the_live_receipt_link(client, token_for, trader, crossed):
    headers = token_for(trader)
    assert "/receipt/" not in manifest_text(client, headers, crossed)
    url = url_of(create_link(trader, crossed.id))
    text = manifest_text(client, headers, crossed)
    assert url in text.replace("\n", "")
    assert client.post(f"/api/v1/receipts/{url.rsplit('/', 1)[1]}", json=body()).status_code == 201
    assert "/receipt/" not in manifest_text(client, headers, crossed)  # used: nothing left to scan
