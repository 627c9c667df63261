"""Generated PDFs (invoice, packing list, Form D worksheet, crossing manifest): content, fonts, Khmer, QR, scope."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.textobject import PDFTextObject

from border_trade.auth.models import Role
from border_trade.documents import pdfs
from border_trade.documents.models import Document, DocumentType, IssuedPdf, PdfKind
from border_trade.documents.pdf import form_d, formats
from border_trade.documents.pdf.model import printed_criterion
from border_trade.extensions import babel
from border_trade.pdf import cells
from border_trade.seed.demo import load_rates
from border_trade.shipments.models import ShipmentStatus
from border_trade.shipments.services import pdfs as shipment_pdfs
from tests.documents.test_pdf_text import hb_shape
from tests.factories import get_gate, get_province, make_organisation, make_product, make_shipment, make_user

KINDS = [kind.value for kind in PdfKind]
EXPORTER = "HTX Nông nghiệp Tân Châu"
EXPORTER_KM = "សហករណ៍ កសិកម្ម តាន់ចូវ"
VI_PRODUCT = "Dưa lưới Tây Ninh"
KM_PRODUCT = "ផ្លែឪឡឹក ខេត្តតៃនិញ"
KM_CONSIGNEE = "ក្រុមហ៊ុន អង្គរ ហ្វ្រេស"
LITERAL = "<b>Lê & Sons</b>"

# Test catalogue for the PDF labels: the real catalogues are translated by others, the machinery is tested here.
VI = {
    "Commercial invoice": "Hóa đơn thương mại",
    "Packing list": "Phiếu đóng gói",
    "ATIGA Form D worksheet": "Bảng kê khai C/O mẫu D (ATIGA)",
    "Crossing manifest": "Bảng kê hàng hóa qua khu vực giám sát",
    "Seller": "Người bán",
    "Buyer": "Người mua",
    "Consignee": "Người nhận hàng",
    "Exporter": "Người xuất khẩu",
    "Description of goods": "Mô tả hàng hóa",
    "Quantity": "Số lượng",
    "Total": "Tổng cộng",
    "Page %(page)s/%(pages)s": "Trang %(page)s/%(pages)s",
    "Tax code": "Mã số thuế",
    "By truck, %(exit)s (VN) – %(entry)s (KH)": "Bằng xe tải, %(exit)s (VN) – %(entry)s (KH)",
    "Seal numbers": "Số niêm phong",
    "Expired": "Hết hạn",
    "Valid": "Còn hiệu lực",
}
KM = {
    "Commercial invoice": "វិក្កយបត្រពាណិជ្ជកម្ម",
    "Packing list": "បញ្ជីវេចខ្ចប់",
    "ATIGA Form D worksheet": "សន្លឹកកិច្ចការ ទម្រង់ D (ATIGA)",
    "Crossing manifest": "បញ្ជីទំនិញឆ្លងកាត់ព្រំដែន",
    "Seller": "អ្នកលក់",
    "Buyer": "អ្នកទិញ",
    "Consignee": "អ្នកទទួលទំនិញ",
    "Exporter": "អ្នកនាំចេញ",
    "Description of goods": "ការពិពណ៌នាទំនិញ",
    "Quantity": "បរិមាណ",
    "Total": "សរុប",
    "Page %(page)s/%(pages)s": "ទំព័រ %(page)s/%(pages)s",
    "Tax code": "លេខអត្តសញ្ញាណកម្មសារពើពន្ធ",
    "By truck, %(exit)s (VN) – %(entry)s (KH)": "តាមរថយន្តដឹកទំនិញ %(exit)s (VN) – %(entry)s (KH)",
    "Seal numbers": "លេខត្រា",
    "Expired": "ផុតកំណត់",
    "Valid": "មានសុពលភាព",
}
TITLES = {
    "commercial-invoice": "Commercial invoice",
    "packing-list": "Packing list",
    "co-form-d": "ATIGA Form D worksheet",
    "crossing-manifest": "Crossing manifest",
}


def needs(*tools: str):
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return pytest.mark.skipif(bool(missing), reason=f"{', '.join(missing)} not installed")


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def squeeze(s: str) -> str:
    return "".join(s.split())


@pytest.fixture(scope="module", autouse=True)
def catalogue(app, tmp_path_factory):
    """Add Vietnamese and Khmer translations of some PDF labels, as a second translations directory."""
    root = tmp_path_factory.mktemp("translations")
    for lang, texts in (("vi", VI), ("km", KM)):
        catalog = Catalog(locale=lang)
        for msgid, msgstr in texts.items():
            catalog.add(msgid, msgstr)
        folder = root / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.mo", "wb") as handle:
            write_mo(handle, catalog)
    with app.app_context():  # the domain's translations cache is reached through the app
        directories = app.extensions["babel"].translation_directories
        directories.append(str(root))
        babel.domain_instance.cache.clear()
    yield
    with app.app_context():
        directories.remove(str(root))
        babel.domain_instance.cache.clear()


@pytest.fixture(autouse=True)
def _rates(db):
    load_rates(date.today() + timedelta(days=60))
    db.session.commit()


@pytest.fixture
def exporter():
    organisation = make_organisation(
        name=EXPORTER, name_km=EXPORTER_KM, address="Ấp Thạnh Trung, xã Tân Châu, Tây Ninh"
    )
    return make_user(Role.EXPORTER, organisation=organisation)


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


def melon_line(product, **overrides):
    line = {
        "product_id": product.id,
        "description_vi": VI_PRODUCT,
        "description_km": KM_PRODUCT,
        "quantity": Decimal("400"),
        "packages": 40,
        "package_type": "CT",
        "marks": "TN-01",
    }
    return line | overrides


def shrimp_salt_line(**overrides):
    line = {
        "description_vi": "Muối tôm Tây Ninh",
        "hs_code": "21039029",
        "quantity": Decimal("100"),
        "unit": "PCE",
        "net_weight_kg": Decimal("20"),
        "gross_weight_kg": Decimal("22"),
        "unit_price": Decimal("2"),
        "origin_criterion": "RVC40",
        "fob_value": Decimal("200"),
        "packages": 5,
        "package_type": "CT",
    }
    return line | overrides


@pytest.fixture
def make_submitted(db, exporter):
    """Return a builder of a submitted shipment at Mộc Bài with papers, seals and a melon and a shrimp-salt line."""

    def build(consignee=KM_CONSIGNEE, items=None, **overrides):
        product = make_product(exporter.organisation, name_vi=VI_PRODUCT, name_km=KM_PRODUCT, name_en=None)
        shipment = make_shipment(
            exporter.organisation,
            items=items or [melon_line(product), shrimp_salt_line()],
            consignee_name=consignee,
            consignee_address="Phnom Penh",
            preferential_tariff=True,
            seals=["VN-000123", "VN-000124"],
            invoice_no="INV-2026-0042",
            invoice_on=date.today(),
            driver_id_no="072012345678",
            status=ShipmentStatus.SUBMITTED,
            **overrides,
        )
        on = shipment.planned_crossing_on
        db.session.add_all(
            [
                Document(
                    shipment=shipment,
                    type=DocumentType.CUSTOMS_DECLARATION,
                    number="306012345670",
                    issued_by="Chi cục Hải quan cửa khẩu Mộc Bài",
                    issued_on=on - timedelta(days=1),
                ),
                Document(
                    shipment=shipment,
                    type=DocumentType.PHYTOSANITARY_CERTIFICATE,
                    number="KDTV-0042",
                    issued_by="Chi cục Kiểm dịch thực vật vùng II",
                    issued_on=on - timedelta(days=20),
                    expires_on=on - timedelta(days=1),
                ),
            ]
        )
        db.session.commit()
        return shipment

    return build


@pytest.fixture
def shipment(make_submitted):
    return make_submitted()


def download(client, headers, shipment, kind, lang="vi,km"):
    response = client.get(f"/api/v1/shipments/{shipment.id}/pdf/{kind}?lang={lang}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return response.data


@pytest.fixture
def pdf_file(client, auth, shipment, tmp_path):
    def get(kind, lang="vi,km") -> Path:
        path = tmp_path / f"{kind}-{lang}.pdf"
        path.write_bytes(download(client, auth, shipment, kind, lang))
        return path

    return get


def text_of(path: Path, *, first: int | None = None, last: int | None = None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    pages = [*(("-f", str(first)) if first else ()), *(("-l", str(last)) if last else ())]
    result = run("pdftotext", "-enc", "UTF-8", *pages, str(path), "-")
    assert result.returncode == 0, result.stderr
    return result.stdout


def page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


# --- every kind: a well-formed PDF with embedded fonts and the right text ----------------------------------------


@needs("qpdf")
@pytest.mark.parametrize("kind", KINDS)
def test_pdf_passes_qpdf_check(pdf_file, kind):
    result = run("qpdf", "--check", str(pdf_file(kind)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


@needs("pdffonts")
@pytest.mark.parametrize("kind", KINDS)
def test_noto_fonts_are_embedded(pdf_file, kind):
    result = run("pdffonts", str(pdf_file(kind)))
    rows = [line.split() for line in result.stdout.splitlines()[2:] if line.strip()]
    names = {row[0].split("+", 1)[-1] for row in rows}
    assert {"NotoSans-Regular", "NotoSans-Bold", "NotoSansKhmer-Regular"} <= names, names
    assert all(name.startswith("NotoSans") for name in names), names  # no unembedded Helvetica
    for row in rows:
        assert tuple(row[-5:-2]) == ("yes", "yes", "yes"), row  # embedded, subset, ToUnicode


@pytest.mark.parametrize("kind", KINDS)
def test_vietnamese_text_and_consignee_extract(pdf_file, kind):
    text = text_of(pdf_file(kind))
    assert VI_PRODUCT in text
    assert squeeze(EXPORTER) in squeeze(text)  # narrow cells may wrap the name
    assert VI[TITLES[kind]] in text
    assert KM_CONSIGNEE in text


@pytest.mark.parametrize("kind", KINDS)
def test_khmer_labels_and_names_extract_exactly(pdf_file, kind):
    text = text_of(pdf_file(kind))
    assert KM[TITLES[kind]] in text
    assert KM_CONSIGNEE in text
    assert KM_PRODUCT in text
    assert "ទំព័រ 1/" in text and "Trang 1/" in text
    assert not re.search("[\ue000-\uf8ff\u25cc]", text)  # no private-use glyph codes, no dotted circles


def test_khmer_only_labels_extract_per_kind(pdf_file):
    assert KM["Buyer"] in text_of(pdf_file("commercial-invoice"))
    assert KM["Seal numbers"] in text_of(pdf_file("crossing-manifest"))
    assert KM["Description of goods"] in text_of(pdf_file("packing-list"))


@pytest.mark.parametrize("kind", KINDS)
def test_user_markup_prints_literally(client, auth, make_submitted, kind, tmp_path):
    path = tmp_path / "literal.pdf"
    path.write_bytes(download(client, auth, make_submitted(consignee=LITERAL), kind))
    assert LITERAL in text_of(path)


def test_english_pair_prints_english_names_and_falls_back_to_vietnamese(pdf_file):
    text = text_of(pdf_file("commercial-invoice", "en,km"))
    assert "Commercial invoice" in text and KM["Commercial invoice"] in text
    assert VI_PRODUCT in text  # no English name for this product: the Vietnamese one prints
    assert "Viet Nam" in text or "Vietnam" in text


# --- QR code and verification ----------------------------------------------------------------------------------


@needs("pdftoppm", "zbarimg")
@pytest.mark.parametrize("kind", KINDS)
def test_qr_code_decodes_to_a_verify_url_that_answers_valid(app, client, pdf_file, kind, tmp_path):
    pdf = pdf_file(kind)
    assert (
        run(
            "pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(tmp_path / "p1")
        ).returncode
        == 0
    )
    decoded = run("zbarimg", "--quiet", "--raw", str(tmp_path / "p1.png"))
    assert decoded.returncode == 0, decoded.stderr
    url = decoded.stdout.strip()
    prefix = app.config["PUBLIC_BASE_URL"].rstrip("/") + "/verify/"
    assert url.startswith(prefix), url
    token = url.removeprefix(prefix)
    answer = client.get(f"/api/v1/verify/{token}").json
    assert answer["valid"] is True and answer["superseded"] is False
    assert answer["document"] == kind
    assert answer["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/api/v1/verify/{changed}").json == {"valid": False}


@needs("pdftotext", "pdftoppm", "zbarimg")
def test_every_page_carries_the_qr_code_and_page_numbers(app, client, auth, exporter, make_submitted, tmp_path):
    product = make_product(exporter.organisation, name_vi=VI_PRODUCT, name_km=KM_PRODUCT)
    items = [melon_line(product, description_vi=f"{VI_PRODUCT} lô {n}") for n in range(1, 61)]
    shipment = make_submitted(items=items)
    path = tmp_path / "long.pdf"
    path.write_bytes(download(client, auth, shipment, "commercial-invoice"))
    pages = page_count(path)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = text_of(path, first=page, last=page)
        assert f"Trang {page}/{pages}" in text and f"ទំព័រ {page}/{pages}" in text
        # the item table's header repeats on every page the table runs onto
        assert VI["Description of goods"] in text and KM["Description of goods"] in text, page
    full = text_of(path)
    assert f"{VI_PRODUCT} lô 1\n" in full and f"{VI_PRODUCT} lô 60" in full
    # the QR code is on every page: render them all and decode each
    assert run("pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")).returncode == 0
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    urls = {run("zbarimg", "--quiet", "--raw", str(image)).stdout.strip() for image in images}
    assert len(urls) == 1 and urls.pop().startswith(app.config["PUBLIC_BASE_URL"])


# --- determinism and threads -----------------------------------------------------------------------------------


def test_same_input_and_time_give_identical_bytes_and_one_record(exporter, shipment, db):
    now = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)
    first = shipment_pdfs.issue(exporter, shipment.id, "co-form-d", "vi,km", now)
    again = shipment_pdfs.issue(exporter, shipment.id, "co-form-d", "vi,km", now + timedelta(hours=2))
    assert first.content == again.content
    assert first.record.id == again.record.id and again.record.revision == 1
    assert db.session.query(IssuedPdf).count() == 1
    data = pdfs.for_record(pdfs.document_data(shipment, PdfKind.CO_FORM_D, ("vi", "km"), now), first.record)
    assert form_d.build(data) == form_d.build(data) == first.content


def test_pdf_dates_are_the_issue_time(exporter, shipment):
    from pypdf import PdfReader

    now = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)
    content = shipment_pdfs.issue_pdf(exporter, shipment.id, "packing-list", ("vi", "km"), now)
    info = PdfReader(io.BytesIO(content)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20260314083000+07'00'"


@pytest.mark.parametrize("kind", ["commercial-invoice", "crossing-manifest"])
def test_four_threads_building_at_once_give_identical_bytes(shipment, kind):
    builder = pdfs.BUILDERS[PdfKind(kind)]
    now = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)
    data = replace(
        pdfs.document_data(shipment, PdfKind(kind), ("vi", "km"), now),
        number="BT-X/CI",
        revision=1,
        verify_url="http://127.0.0.1:5000/verify/abc",
        invoice_on=date(2026, 3, 14),
    )
    results, errors = [], []
    barrier = threading.Barrier(4)

    def build():
        try:
            barrier.wait()
            results.append(builder.build(data))
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 4 and len(set(results)) == 1


def _lengthen(value, text):
    """Return the dataclass with every free-text field (names, addresses, numbers, units) replaced by `text`."""
    import dataclasses

    keep = {"kind", "number", "reference", "verify_url", "currency", "hs_code", "languages", "labels", "criterion"}
    if not dataclasses.is_dataclass(value):
        return value
    changes = {}
    for field in dataclasses.fields(value):
        current = getattr(value, field.name)
        if field.name in keep:
            continue
        if isinstance(current, str):
            changes[field.name] = text
        elif isinstance(current, tuple) and current and all(isinstance(t, str) for t in current):
            changes[field.name] = tuple(text for _ in current)
        elif isinstance(current, tuple):
            changes[field.name] = tuple(_lengthen(item, text) for item in current)
        elif dataclasses.is_dataclass(current):
            changes[field.name] = _lengthen(current, text)
    return replace(value, **changes)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", ["W" * 5000, "ក្ស" * 1700, "Dưa lưới\n" * 600], ids=["latin", "khmer", "lines"])
def test_every_field_thousands_of_characters_long_still_gives_a_pdf(shipment, kind, text, tmp_path):
    """Far beyond what the API accepts: rows that would outgrow a page are laid out again with tighter clipping."""
    now = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)
    data = pdfs.document_data(shipment, PdfKind(kind), ("vi", "km"), now)
    data = replace(_lengthen(data, text), number="BT-X/CI", revision=1, verify_url="http://127.0.0.1:5000/verify/a")
    content = pdfs.BUILDERS[PdfKind(kind)].build(data)
    path = tmp_path / "long.pdf"
    path.write_bytes(content)
    assert content.startswith(b"%PDF-") and page_count(path) >= 1
    assert "…" in text_of(path)  # cut visibly, not silently


def test_clip_keeps_clusters_and_line_breaks_within_the_limit():
    assert cells.clip("x" * 320, 320) == "x" * 320
    cut = cells.clip("ក្ស" * 200, 100)
    assert cut.endswith("…") and len(cut) <= 100 and cut[:-1] == "ក្ស" * ((len(cut) - 1) // 3)
    assert cells.clip("a\n" * 50, 80).count("\n") == 80 // cells.CHARS_PER_LINE_BREAK


# --- content rules -----------------------------------------------------------------------------------------------


def test_expired_ocop_recognition_prints_no_stars(client, auth, exporter, make_submitted, tmp_path):
    valid = make_product(exporter.organisation, name_vi="Mật ong", ocop_stars=5)
    lapsed = make_product(
        exporter.organisation,
        name_vi="Bánh tráng",
        ocop_stars=3,
        ocop_certificate_expires_on=date.today() - timedelta(days=1),
    )
    items = [
        melon_line(valid, description_vi="Mật ong rừng", description_km=None),
        melon_line(lapsed, description_vi="Bánh tráng phơi sương", description_km=None),
    ]
    shipment = make_submitted(items=items)
    data = pdfs.document_data(shipment, PdfKind.COMMERCIAL_INVOICE, ("vi", "km"), datetime.now(UTC))
    assert [line.ocop_stars for line in data.lines] == [5, None]
    path = tmp_path / "stars.pdf"
    path.write_bytes(download(client, auth, shipment, "commercial-invoice"))
    text = text_of(path)
    # the mark is "OCOP" and drawn stars, under the valid product only
    assert text.count("OCOP") == 1
    assert text.index("Mật ong rừng") < text.index("OCOP") < text.index("Bánh tráng phơi sương")
    stars = _drawn_stars(path)
    assert stars == 5, stars


def _drawn_stars(path: Path) -> int:
    """Count the stars drawn: the OCOP marks placed on the pages times the stars in the form each places."""
    from pypdf import PdfReader

    total = 0
    for page in PdfReader(path).pages:
        content = page.get_contents().get_data()
        for name, form in (page["/Resources"].get("/XObject") or {}).items():
            stars = re.fullmatch(r"/FormXob\.ocopStars(\d)", name)
            if stars:
                outlines = len(
                    re.findall(rb"-?[\d.]+ -?[\d.]+ m(?: -?[\d.]+ -?[\d.]+ l){9} h", form.get_object().get_data())
                )
                assert outlines == int(stars.group(1))
                total += content.count(f"{name} Do".encode()) * outlines
    return total


def test_expired_ocop_stars_never_print_on_any_document(client, auth, exporter, make_submitted, tmp_path):
    lapsed = make_product(
        exporter.organisation, ocop_stars=4, ocop_certificate_expires_on=date.today() - timedelta(days=1)
    )
    shipment = make_submitted(items=[melon_line(lapsed)])
    for kind in KINDS:
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(download(client, auth, shipment, kind))
        assert "OCOP" not in text_of(path) and _drawn_stars(path) == 0, kind


def test_form_d_worksheet_boxes(pdf_file, shipment):
    text = text_of(pdf_file("co-form-d", "vi,en"))
    assert squeeze("WORKSHEET – DRAFT. Not a certificate of origin") in squeeze(text)
    assert "Bằng xe tải, Mộc Bài (VN) – Bavet (KH)" in text
    assert "By truck, Moc Bai (VN) – Bavet (KH)" in text
    assert "HS 0807.19" in text and "HS 2103.90" in text  # 6 digits
    assert "0807.19.00" not in text
    assert "40%" in text and "WO" in text  # box 8: RVC40 prints as 40%
    assert "FOB: 200,00 US$" in text  # box 9: FOB only on the value-content line
    assert text.count("FOB:") == 1
    assert "INV-2026-0042" in text


def test_form_d_box_13_ticks():
    assert printed_criterion("RVC40") == "40%" and printed_criterion("PC25") == "PC 25%"
    data = _data_with_lines(["WO", "PC25"])
    assert form_d.ticks(data) == {"partial_cumulation": True, "retroactive": False}
    assert form_d.ticks(replace(data, issued_retroactively=True))["retroactive"] is True


def _data_with_lines(criteria):
    from border_trade.documents.pdf.model import DocumentData, Line, Party, Totals, Transport

    lines = tuple(
        Line(
            i, ("x",), "08071900", "KGM", Decimal(1), Decimal(1), Decimal(1), Decimal(1), Decimal(1), origin_criterion=c
        )
        for i, c in enumerate(criteria, 1)
    )
    return DocumentData(
        kind="co-form-d",
        languages=("vi",),
        number="N",
        revision=1,
        issued_at=datetime(2026, 3, 14, tzinfo=UTC),
        reference="R",
        verify_url="u",
        labels={},
        exporter=Party(("e",)),
        consignee=Party(("c",)),
        lines=lines,
        totals=Totals("USD", Decimal(1)),
        transport=Transport(("a",), ("b",), date(2026, 3, 14)),
        invoice_no="I",
        invoice_on=None,
    )


def test_form_d_is_ticked_retroactive_when_issued_long_after_crossing(exporter, shipment, db):
    shipment.crossed_at = datetime.combine(shipment.planned_crossing_on, datetime.min.time(), UTC)
    db.session.commit()
    late = shipment.crossed_at + timedelta(days=5)
    issued = shipment_pdfs.issue(exporter, shipment.id, "co-form-d", "vi,km", late)
    data = pdfs.for_record(pdfs.document_data(shipment, PdfKind.CO_FORM_D, ("vi", "km"), late), issued.record)
    assert data.issued_retroactively is True


def test_manifest_lists_vehicle_seals_and_papers_with_expiry(pdf_file, shipment):
    text = text_of(pdf_file("crossing-manifest"))
    for expected in (
        "70H-123.45",
        "Nguyễn Văn Tâm",
        "072012345678",
        "VN-000123, VN-000124",
        "306012345670",
        "KDTV-0042",
    ):
        assert expected in text, expected
    expires = (shipment.planned_crossing_on - timedelta(days=1)).strftime("%d/%m/%Y")
    assert expires in text
    assert "Hết hạn" in text and "ផុតកំណត់" in text  # the phytosanitary certificate lapses before the crossing


def test_invoice_totals_follow_each_locale(pdf_file):
    text = text_of(pdf_file("commercial-invoice"))
    assert "4.000,00 US$" in text  # vi: 400 × 9.50 + 100 × 2
    assert "4,000.00$" in text  # km


def test_money_per_locale():
    nbsp = "\xa0"
    assert formats.money(Decimal("1234567.5"), "VND", "vi") == f"1.234.568{nbsp}₫"  # VND: no decimals
    assert formats.money(Decimal("1234567.5"), "USD", "vi") == f"1.234.567,50{nbsp}US$"  # USD: two
    assert formats.money(Decimal("1234567.5"), "KHR", "km") == "1,234,568៛"  # riel: whole
    assert formats.money(Decimal("1234567.5"), "KHR", "vi") == f"1.234.568{nbsp}KHR"
    assert formats.money(Decimal("1234567.5"), "USD", "en") == "$1,234,567.50"


# --- Khmer shaping --------------------------------------------------------------------------------------------


def test_khmer_glyphs_drawn_match_harfbuzz(exporter, shipment, monkeypatch):
    drawn = []
    original = PDFTextObject._formatText

    def recording(self, s):
        drawn.append((self._fontname, s))
        return original(self, s)

    monkeypatch.setattr(PDFTextObject, "_formatText", recording)
    at = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)
    shipment_pdfs.issue_pdf(exporter, shipment.id, "commercial-invoice", "vi,km", at)
    checked = set()
    for font_name, s in drawn:
        actual = getattr(s, "actual_text", "")
        if not actual:
            continue
        face = pdfmetrics.getFont(font_name).face
        expected = hb_shape(font_name, actual)
        if hasattr(s, "__shapeData__"):
            glyphs = [
                (face.charToGlyph[ord(ch)], round(sd.x_advance, 3), round(sd.x_offset, 3), round(sd.y_offset, 3))
                for ch, sd in zip(s, s.__shapeData__, strict=True)
            ]
            assert glyphs == expected, actual
        else:  # ReportLab leaves a word unshaped when shaping would not change it (ល.រ.): same glyphs
            assert [face.charToGlyph[ord(ch)] for ch in s] == [glyph for glyph, *_ in expected], actual
        checked.add(actual)
    assert {*KM_CONSIGNEE.split(), *KM_PRODUCT.split(), KM["Commercial invoice"], KM["Buyer"]} <= checked


@needs("pdftoppm", "hb-view")
def test_rendered_khmer_title_matches_harfbuzz(pdf_file, tmp_path):
    """Render the Khmer title (13 pt, bold) and compare its ink with HarfBuzz's own rendering of the string."""
    from PIL import Image, ImageChops

    from border_trade.pdf import fonts

    pdf = pdf_file("packing-list")
    # 13 pt at 144 dpi is 26 px. The title's second line is the Khmer one; crop the band it sits in.
    assert (
        run(
            "pdftoppm", "-r", "144", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")
        ).returncode
        == 0
    )
    page = Image.open(tmp_path / "p.png").convert("L").point(lambda v: 255 if v < 128 else 0).convert("1")
    hb_png = tmp_path / "hb.png"
    result = run(
        "hb-view",
        "--font-size=26",
        "-O",
        "png",
        "-o",
        str(hb_png),
        str(fonts.font_path(fonts.KHMER_BOLD)),
        KM["Packing list"],
    )
    assert result.returncode == 0, result.stderr
    reference = Image.open(hb_png).convert("L").point(lambda v: 255 if v < 128 else 0).convert("1")
    reference = reference.crop(reference.getbbox())
    # split the page's top third into lines of ink (rows with ink, gaps of blank rows between them)
    top = page.crop((0, 0, page.width, page.height // 3))
    rows = [top.crop((0, y, top.width, y + 1)).getbbox() is not None for y in range(top.height)]
    lines, start = [], None
    for y, inked in enumerate([*rows, False]):
        if inked and start is None:
            # a Khmer subscript may sit a blank row or two below its line: still the same line
            start = lines.pop()[0] if lines and y - lines[-1][1] <= 3 else y
        elif not inked and start is not None:
            lines.append((start, y))
            start = None
    best = 0.0
    for y0, y1 in lines:
        line = top.crop((0, y0, top.width, y1))
        line = line.crop(line.getbbox())
        if abs(line.width - reference.width) > 4 or abs(line.height - reference.height) > 4:
            continue
        size = (max(line.width, reference.width), max(line.height, reference.height))
        a, b = Image.new("1", size), Image.new("1", size)
        a.paste(line, (0, 0))
        b.paste(reference, (0, 0))
        both = ImageChops.logical_and(a, b).histogram()[-1]
        either = ImageChops.logical_or(a, b).histogram()[-1]
        best = max(best, both / either)
    assert best > 0.6, best


# --- who may download what -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_other_exporter_gets_404(client, token_for, shipment, kind):
    response = client.get(f"/api/v1/shipments/{shipment.id}/pdf/{kind}", headers=token_for(make_user(Role.EXPORTER)))
    assert response.status_code == 404 and response.json["code"] == 404


def test_gate_officers_of_the_exit_gate_only(client, token_for, shipment):
    own = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    other = make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])
    url = f"/api/v1/shipments/{shipment.reference}/pdf/crossing-manifest"
    assert client.get(url, headers=token_for(own)).status_code == 200
    assert client.get(url, headers=token_for(other)).status_code == 404


def test_province_officers_in_scope_only(client, token_for, shipment):
    inside = make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH"))
    outside = make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG"))
    url = f"/api/v1/shipments/{shipment.id}/pdf/co-form-d"
    assert client.get(url, headers=token_for(inside)).status_code == 200
    assert client.get(url, headers=token_for(outside)).status_code == 404


def test_unknown_kind_is_404(client, auth, shipment):
    response = client.get(f"/api/v1/shipments/{shipment.id}/pdf/bill-of-lading", headers=auth)
    assert response.status_code == 404 and response.is_json


@pytest.mark.parametrize("lang", ["fr", "vi,km,en", "vi,vi", "", "vi;km", "VI"])
def test_bad_lang_is_422_naming_lang(client, auth, shipment, lang):
    response = client.get(f"/api/v1/shipments/{shipment.id}/pdf/packing-list?lang={lang}", headers=auth)
    assert response.status_code == 422, response.json
    assert "lang" in response.json["errors"]


def test_without_token_is_401(client, shipment):
    assert client.get(f"/api/v1/shipments/{shipment.id}/pdf/packing-list").status_code == 401


def test_one_language_prints_one_text_per_label(pdf_file):
    text = text_of(pdf_file("packing-list", "km"))
    assert KM["Packing list"] in text and VI["Packing list"] not in text and "Packing list" not in text


def test_warm_up_runs_once_in_the_background(monkeypatch):
    calls = []
    monkeypatch.setattr(pdfs, "_warmed_up", False)
    monkeypatch.setattr(pdfs, "warm_up", lambda: calls.append(1))
    pdfs.start_warm_up()
    pdfs.start_warm_up()
    for thread in threading.enumerate():
        if thread.name == "pdf-font-warm-up":
            thread.join()
    assert calls == [1]
