"""The gate tablet's script modules in a real browser: the service worker keeps every one of them, also once the
sign-in page has emptied its cache, so the page still opens and works when reloaded without a network."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import eventually
from tests.browser.test_gate_offline import open_gate, record, submitted_shipment, watch_errors
from tests.crossings.test_gate_assets import JS, precache_list

pytestmark = pytest.mark.browser

KEPT = """caches.open("border-trade-gate")
  .then(cache => cache.keys())
  .then(requests => requests.map(request => new URL(request.url).pathname))"""
CACHE_GONE = "caches.keys().then(keys => !keys.includes('border-trade-gate'))"


def precached():
    return set(precache_list((JS / "gate-sw.js").read_text(encoding="utf-8")))


def failed_responses(page):
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    return failed


def test_the_worker_keeps_every_module_and_the_page_loads_them_all(page, live_server, sign_in):
    errors, failed = watch_errors(page), failed_responses(page)
    open_gate(page, sign_in)
    assert page.evaluate("window.borderTradeGate.offlineReady") is True
    kept = set(page.evaluate(KEPT))
    assert precached() <= kept, precached() - kept
    loaded = set(page.evaluate("performance.getEntriesByType('resource').map(entry => new URL(entry.name).pathname)"))
    assert {url for url in precached() if url.startswith("/static/js/")} <= loaded  # each one is imported
    assert errors == [] and failed == []


def test_after_signing_in_again_the_page_still_reloads_without_network(page, live_server, sign_in, sign_out):
    reference = submitted_shipment(live_server, plate="70H-555.21")
    errors = watch_errors(page)
    open_gate(page, sign_in)
    assert page.evaluate("window.borderTradeGate.offlineReady") is True
    sign_out(page)
    eventually(page, CACHE_GONE)  # the sign-in page forgot the kept files

    open_gate(page, sign_in)  # the worker is installed already: no install to fill the cache this time
    assert page.evaluate("window.borderTradeGate.offlineReady") is True
    eventually(page, f"({KEPT}).then(kept => {sorted(precached())}.every(url => kept.includes(url)))")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#gate-app")).to_be_visible()
    record(page, reference, "arrived")  # the modules ran: the buttons work offline
    expect(page.locator("#unsent-count")).to_have_text("1")
    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=30_000)
    assert errors == []
