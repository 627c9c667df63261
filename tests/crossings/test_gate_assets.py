"""The gate tablet's script modules: each one in the service worker's precache list (or the tablet cannot reload
without a network) and served, every import resolving to a listed file, loaded as a module under the CSP; and the
officer's menu naming the gate list and the tablet apart."""

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from flask_babel import refresh

import border_trade
from border_trade.auth.models import Role

JS = Path(border_trade.__file__).parent / "static" / "js"
MODULES = JS / "gate"  # one concern each, served as they are
ENTRY = "/static/js/gate.js"  # the page's <script type="module">, importing the modules
WORKER = "/gate/sw.js"  # gate-sw.js, served under /gate/ for its scope
# import … from "x", import "x", import("x"); not the string "import" (a shipment's direction)
IMPORT = re.compile(r"""(?:\bfrom|(?<!["'])\bimport)\s*\(?\s*["']([^"']+)["']""")


def precache_list(worker_source):
    """Return the absolute paths of the worker's PRECACHE list (its entries are relative to the worker's URL)."""
    block = re.search(r"\bvar PRECACHE = \[(.*?)\];", worker_source, re.S)
    assert block, "gate-sw.js has no PRECACHE list"
    return [urljoin(WORKER, entry) for entry in re.findall(r'"([^"]+)"', block.group(1))]


def module_paths():
    """Return the URL of every module file in the gate module folder, and of the entry module."""
    return {ENTRY} | {f"/static/js/gate/{path.name}" for path in MODULES.glob("*.js")}


def unlisted(precache, paths):
    return sorted(set(paths) - set(precache))


def imports_of(url, source):
    """Return the URLs `source` (served at `url`) imports, resolved as the browser resolves them."""
    found = []
    for specifier in IMPORT.findall(source):
        assert specifier.startswith(("./", "../", "/")), f"{url} imports {specifier!r}: not a URL (no import map)"
        found.append(urljoin(url, specifier))
    return found


@pytest.fixture
def precache(client):
    response = client.get(WORKER)
    assert response.status_code == 200
    return precache_list(response.get_data(as_text=True))


def test_the_tablet_is_split_into_small_modules():
    files = sorted(MODULES.glob("*.js"))
    assert len(files) >= 6  # queue, event sheet, outbox and sync, scanner, clock, strings
    for path in [*files, JS / "gate.js"]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_every_gate_module_is_in_the_precache_list(precache):
    assert unlisted(precache, module_paths()) == []
    assert len(precache) == len(set(precache)), "an entry is listed twice"


def test_a_module_missing_from_the_list_is_caught(precache):
    shortened = [url for url in precache if url != "/static/js/gate/queue.js"]
    assert unlisted(shortened, module_paths()) == ["/static/js/gate/queue.js"]
    worker = 'var PRECACHE = [\n  "../static/js/gate.js",\n];'
    assert "/static/js/gate/sync.js" in unlisted(precache_list(worker), module_paths())


def test_every_precached_file_is_served(client, precache):
    # one 404 here fails the worker's install, and the tablet then cannot reload offline at all
    for url in precache:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".js"):  # browsers refuse a module served with another type
            assert response.mimetype in ("text/javascript", "application/javascript"), url
        response.close()
    assert client.get("/static/js/gate/no-such-module.js").status_code == 404


def test_every_import_resolves_to_a_precached_file_and_every_module_is_used(client, precache):
    reached, todo = set(), [ENTRY]
    while todo:
        url = todo.pop()
        if url in reached:
            continue
        reached.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        for target in imports_of(url, response.get_data(as_text=True)):
            assert target in precache, f"{url} imports {target}, which the service worker does not keep"
            todo.append(target)
        response.close()
    assert reached == module_paths()  # no module left behind unused


def test_an_import_outside_the_list_is_caught(precache):
    targets = imports_of("/static/js/gate/queue.js", 'import { x } from "./extra.js";\nimport "../gate.js";')
    assert targets == ["/static/js/gate/extra.js", ENTRY]
    assert unlisted(precache, targets) == ["/static/js/gate/extra.js"]
    with pytest.raises(AssertionError, match="not a URL"):
        imports_of(ENTRY, 'import jsQR from "jsqr";')


@pytest.mark.parametrize("role", [Role.GATE_OFFICER, Role.ADMIN])
def test_the_page_loads_its_script_as_a_module_the_csp_allows(login_as, role):
    response = login_as(role).get("/gate/MOC-BAI")
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert "'self'" in policy["script-src"].split() and "unsafe" not in policy["script-src"]
    tags = re.findall(r"<script\b[^>]*\bsrc=\"/static/js/gate[^\"]*\"[^>]*>", response.get_data(as_text=True))
    assert tags == [f'<script type="module" src="{ENTRY}">'], tags


MAIN_MENU = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>', re.S)


def menu_labels(client, lang):
    refresh()  # the tests share one app context, where Flask-Babel caches the locale of the first request
    html = client.get("/gates").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    return [label.strip() for label in re.findall(r"<a [^>]*>([^<]+)</a>", MAIN_MENU.search(html).group(1))]


@pytest.mark.parametrize("lang", ["vi", "km", "en"])
def test_a_gate_officers_menu_names_the_gate_list_and_the_tablet_apart(login_as, lang):
    labels = menu_labels(login_as(Role.GATE_OFFICER, locale=lang), lang)
    gates, tablet = labels[:2]  # the border gates, then the tablet (other domains' entries may follow)
    assert gates != tablet, labels
    assert len(set(labels)) == len(labels), labels


def test_the_tablet_is_not_in_an_exporters_menu(login_as):
    client = login_as(Role.EXPORTER, locale="en")
    assert 'data-nav="gate"' not in client.get("/gates").get_data(as_text=True)
    assert "Gate tablet" not in menu_labels(client, "en")
