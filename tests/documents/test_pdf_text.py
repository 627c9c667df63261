"""Khmer/Vietnamese text in PDFs: fonts, shaping, wrapping, extraction and the ReportLab fixes."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import threading
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
import uharfbuzz as hb
from PIL import Image, ImageChops
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from border_trade.pdf import build_lock, fonts, patches, styles, text

VI_EXPORTER = "Người xuất khẩu"
VI_GOODS = "Dưa lưới Tây Ninh"
KM_EXPORTER = "អ្នកនាំចេញ"
KM_KINGDOM = "ព្រះរាជាណាចក្រកម្ពុជា"
KM_CONSIGNEE = "ក្រុមហ៊ុន ភ្នំពេញ ហ្វូដ"
LITERAL_MARKUP = "<b>Lê & Sons</b>"
RISE_PROBE = "កម្ពុជាកខគ"  # glyphs after the ពុ cluster (subscript + below-vowel) must sit on the baseline


def needs(tool: str):
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def build(story, path: Path) -> Path:
    with build_lock:
        SimpleDocTemplate(str(path), pagesize=A4, **styles.doc_kwargs()).build(story)
    return path


def grid(rows, col_widths) -> Table:
    table = Table(rows, colWidths=col_widths)
    table.setStyle(
        TableStyle(
            [
                *styles.table_font_commands(),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def story():
    """Return a customs-like page: bilingual labels, narrow Khmer cells, a shaped Latin line."""
    vi, km = styles.latin_styles(), styles.khmer_styles()
    rows = [
        [
            text.paragraph(VI_EXPORTER, vi.label),
            text.paragraph(KM_EXPORTER, km.label),
            text.paragraph(LITERAL_MARKUP, vi.cell),
        ],
        [text.paragraph(VI_GOODS, vi.bold), text.paragraph(KM_KINGDOM, km.cell), text.paragraph(KM_CONSIGNEE, km.cell)],
    ]
    # Narrow enough that the Khmer must wrap: at spaces for the consignee, inside the long word
    # otherwise. One column keeps pdftotext's reading order simple.
    narrow = [
        [text.paragraph(KM_KINGDOM, km.cell)],
        [text.paragraph(KM_CONSIGNEE, km.bold)],
        [text.paragraph("official fine", km.cell)],
    ]
    wide = grid(rows, [120, 120, 120])
    narrow = grid(narrow, [62])
    return [text.paragraph(f"{VI_EXPORTER} / {KM_EXPORTER}", km.title), wide, Spacer(1, 12), narrow]


@pytest.fixture(scope="module")
def recorded_draws():
    """Record every string ReportLab draws, with its font, while the sample PDF is built."""
    return []


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory, recorded_draws) -> Path:
    original = PDFTextObject._formatText

    def recording(self, s):
        recorded_draws.append((self._fontname, s))
        return original(self, s)

    PDFTextObject._formatText = recording
    try:
        return build(story(), tmp_path_factory.mktemp("pdf") / "sample.pdf")
    finally:
        PDFTextObject._formatText = original


@pytest.fixture(scope="module")
def extracted(sample_pdf) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    result = run("pdftotext", "-enc", "UTF-8", str(sample_pdf), "-")
    assert result.returncode == 0, result.stderr
    return result.stdout


def squeeze(s: str) -> str:
    return "".join(s.split())


# --- fonts -----------------------------------------------------------------------------------


def test_fonts_are_static_instances_with_distinct_bold_names():
    from fontTools.ttLib import TTFont

    paths = fonts.register_fonts()
    ps_names = {}
    for name, path in paths.items():
        face = TTFont(path)
        assert "fvar" not in face, f"{name} is still variable"
        ps_names[name] = face["name"].getDebugName(6)
        assert face["OS/2"].usWeightClass == (700 if name in fonts.BOLD_FACES else 400)
        assert pdfmetrics.getFont(name).face.name  # registered with ReportLab
    assert len(set(ps_names.values())) == 4, ps_names


def test_latin_faces_are_cut_without_ligatures():
    from fontTools.ttLib import TTFont

    for name in (fonts.SANS, fonts.SANS_BOLD):
        tags = {rec.FeatureTag for rec in TTFont(fonts.font_path(name))["GSUB"].table.FeatureList.FeatureRecord}
        assert not tags & {"liga", "dlig"}, tags
    khmer_tags = {
        rec.FeatureTag for rec in TTFont(fonts.font_path(fonts.KHMER))["GSUB"].table.FeatureList.FeatureRecord
    }
    assert {"liga", "blwf", "pref"} <= khmer_tags  # Khmer keeps what its shaping needs


def test_register_fonts_is_idempotent_across_threads():
    results = []
    threads = [threading.Thread(target=lambda: results.append(fonts.register_fonts())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)


def test_cached_instance_is_reused_not_recut():
    path = fonts.font_path(fonts.KHMER)
    before = path.stat().st_mtime_ns
    face = next(f for f in fonts._FACES if f.name == fonts.KHMER)
    assert fonts._cached_instance(face, path.parent) == path
    assert path.stat().st_mtime_ns == before


# --- text runs and markup --------------------------------------------------------------------


def test_nfc_composes_decomposed_vietnamese():
    decomposed = unicodedata.normalize("NFD", VI_EXPORTER)
    assert decomposed != VI_EXPORTER
    assert text.nfc(decomposed) == VI_EXPORTER


def test_script_runs_split_khmer_words_from_vietnamese():
    runs = text.script_runs(f"{VI_EXPORTER}: {KM_CONSIGNEE} (VN)")
    assert [r.text for r in runs if r.khmer] == KM_CONSIGNEE.split()
    assert "".join(r.text for r in runs) == f"{VI_EXPORTER}: {KM_CONSIGNEE} (VN)"


def test_script_runs_keep_punctuation_with_khmer_and_drop_zwsp():
    runs = text.script_runs("(ក្រុមហ៊ុន)\u200bភ្នំពេញ។")
    assert runs == [text.Run("(ក្រុមហ៊ុន)ភ្នំពេញ។", True)]


def test_script_runs_separate_latin_letters_glued_to_khmer():
    # One word is shaped as one HarfBuzz buffer whose script comes from its first letter.
    runs = text.script_runs("Lê-ក្រុម")
    assert [(r.text, r.khmer) for r in runs] == [("Lê- ", False), ("ក្រុម", True)]


def test_markup_escapes_user_text_and_tags_each_run():
    out = text.markup(f"{LITERAL_MARKUP} {KM_EXPORTER}\nline2")
    assert "&lt;b&gt;Lê &amp; Sons&lt;/b&gt;" in out
    assert f'<font name="{fonts.KHMER}">{KM_EXPORTER}</font>' in out
    assert "<br/>" in out and "\n" not in out
    assert f'<font name="{fonts.KHMER_BOLD}">' in text.markup(KM_EXPORTER, bold=True)


# --- Khmer line breaking -----------------------------------------------------------------------


def test_khmer_clusters():
    assert text.khmer_clusters(KM_KINGDOM) == ["ព្រះ", "រា", "ជា", "ណា", "ច", "ក្រ", "ក", "ម្ពុ", "ជា"]
    assert text.khmer_clusters("ស្ត្រី") == ["ស្ត្រី"]


# Written out independently of text.khmer_clusters, so a bug there cannot hide here.
COENG = "\u17d2"
NEVER_STARTS_A_CLUSTER = {chr(c) for c in range(0x17B6, 0x17D2)} | {COENG, "\u17d3", "\u17dd"}


@pytest.mark.parametrize("width", [12, 20, 30, 45, 60, 80, 200])
@pytest.mark.parametrize("sample", [KM_KINGDOM, KM_CONSIGNEE, "ស្ត្រីក្រុមហ៊ុនព្រះមហាក្សត្រ", f"{VI_GOODS} {KM_KINGDOM}"])
def test_break_lines_never_splits_a_cluster(sample, width):
    lines = text.break_lines(sample, width, 8)
    assert all(lines) and not any(text.ZWSP in line for line in lines)
    assert squeeze("".join(lines)) == squeeze(sample)
    for before, after in itertools.pairwise(lines):
        assert after[0] not in NEVER_STARTS_A_CLUSTER, f"{before!r} | {after!r}"
        assert not before.endswith(COENG), f"{before!r} | {after!r}"
    for line in lines:
        # a line of one cluster (or one Latin word) may overflow: there is nowhere to break it
        if text.has_khmer(line) and len(text.khmer_clusters(squeeze(line))) > 1 and " " not in line:
            assert text.text_width(line, 8) <= width


def test_break_lines_prefers_spaces_and_zwsp():
    wide = text.text_width("ក្រុមហ៊ុន ភ្នំពេញ", 8) + 1
    assert text.break_lines(KM_CONSIGNEE, wide, 8) == ["ក្រុមហ៊ុន ភ្នំពេញ", "ហ្វូដ"]
    width = text.text_width("ព្រះរាជាណាចក្រ", 8) + 1
    assert text.break_lines("ព្រះរាជាណាចក្រ\u200bកម្ពុជា", width, 8) == ["ព្រះរាជាណាចក្រ", "កម្ពុជា"]
    assert text.wrap_markup("ព្រះរាជាណាចក្រ\u200bកម្ពុជា", width, 8).count("<br/>") == 1


def test_khmer_paragraph_is_rebroken_for_its_width():
    para = text.paragraph(KM_KINGDOM, styles.khmer_styles().cell)
    para.wrap(50, 1000)
    lines = para.blPara.lines
    assert len(lines) > 1
    drawn = [getattr(frag.text, "actual_text", "") for line in lines for frag in line.words]
    assert "".join(drawn) == KM_KINGDOM  # whole clusters on each line, nothing lost or doubled


def test_khmer_in_an_unshaped_style_is_still_shaped():
    para = text.ScriptParagraph(text.markup(KM_KINGDOM), styles.latin_styles().body)
    assert para.style.shaping and para.style.fontSize == styles.latin_styles().body.fontSize


# --- the PDF -----------------------------------------------------------------------------------


@needs("qpdf")
def test_pdf_passes_qpdf_check(sample_pdf):
    result = run("qpdf", "--check", str(sample_pdf))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


@needs("qpdf")
def test_actualtext_spans_are_balanced(sample_pdf, tmp_path):
    qdf = tmp_path / "qdf.pdf"
    assert run("qpdf", "--qdf", "--object-streams=disable", str(sample_pdf), str(qdf)).returncode == 0
    content = qdf.read_bytes()
    assert content.count(b"/ActualText") == content.count(b"BDC") == content.count(b"EMC") > 0


@needs("pdffonts")
def test_pdf_embeds_subset_noto_fonts_only(sample_pdf):
    result = run("pdffonts", str(sample_pdf))
    rows = [line.split() for line in result.stdout.splitlines()[2:] if line.strip()]
    names = {row[0].split("+", 1)[-1] for row in rows}
    assert names == {"NotoSans-Regular", "NotoSans-Bold", "NotoSansKhmer-Regular", "NotoSansKhmer-Bold"}
    for row in rows:
        emb, sub, uni = row[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_pdf_extracts_vietnamese_with_diacritics(extracted):
    assert VI_EXPORTER in extracted
    assert VI_GOODS in extracted
    assert "official fine" in extracted  # shaped in a Khmer style, yet no "ﬁ" ligature
    assert not re.search("[\ufb00-\ufb06]", extracted)


def test_pdf_prints_user_markup_literally(extracted):
    assert LITERAL_MARKUP in extracted


def test_pdf_extracts_exact_khmer(extracted):
    assert KM_EXPORTER in extracted
    assert KM_KINGDOM in extracted  # the wide cell holds it on one line
    assert KM_CONSIGNEE in extracted
    # the narrow cells wrapped it: each line extracts as logical text, nothing private-use
    assert squeeze(extracted).count(squeeze(KM_KINGDOM)) >= 2
    assert squeeze(extracted).count(squeeze(KM_CONSIGNEE)) >= 2
    assert text.ZWSP not in extracted
    assert not re.search("[\ue000-\uf8ff\u25cc]", extracted)


def hb_shape(font_name: str, s: str):
    face = hb.Face(hb.Blob.from_file_path(str(fonts.font_path(font_name))))
    font = hb.Font(face)
    buf = hb.Buffer()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(s)
    buf.guess_segment_properties()
    hb.shape(font, buf, {"kern": True, "liga": True, "dlig": True})
    scale = 1000 / face.upem
    return [
        (
            info.codepoint,
            round(pos.x_advance * scale, 3),
            round(pos.x_offset * scale, 3),
            round(pos.y_offset * scale, 3),
        )
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
    ]


def test_drawn_khmer_glyphs_match_harfbuzz(sample_pdf, recorded_draws):
    checked = 0
    for font_name, s in recorded_draws:
        actual = getattr(s, "actual_text", "")
        if not actual:
            continue
        face = pdfmetrics.getFont(font_name).face
        drawn = [
            (face.charToGlyph[ord(ch)], round(sd.x_advance, 3), round(sd.x_offset, 3), round(sd.y_offset, 3))
            for ch, sd in zip(s, s.__shapeData__, strict=True)
        ]
        assert drawn == hb_shape(font_name, actual), actual
        checked += 1
    words = KM_EXPORTER.split() + KM_CONSIGNEE.split()
    assert checked >= len(words) + 2


# --- the setRise fix and the rendered page ----------------------------------------------------


def test_setrise_patch_is_applied_for_affected_release():
    import reportlab

    if reportlab.Version in patches.SETRISE_AFFECTED:
        assert PDFTextObject.setRise is patches._set_rise


def test_too_tall_table_raises_layout_error_not_type_error():
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import LayoutError, SimpleDocTemplate, Table

    assert "culprit" in patches.apply_patches()
    tall = "\n".join(["x"] * 33)
    # rows spanned together past the page height: ReportLab stops measuring, and the last row holds None
    table = Table([[tall, tall], [tall, ""], ["a", "b"]], style=[("SPAN", (1, 0), (1, 1))])
    with pytest.raises(LayoutError, match="tallest cell"):
        SimpleDocTemplate(BytesIO(), pagesize=A4).build([table])


def test_merged_setrise_records_the_new_rise():
    canvas = Canvas(BytesIO())
    tx = canvas.beginText(0, 0)
    tx.setRise(-0.5)
    tx.setRise(-6)  # merged with the previous operator
    assert tx._code[-1] == "-6 Ts" and tx._code.count("-0.5 Ts") == 0
    assert tx._rise == -6
    tx.setRise(0)
    assert tx._rise == 0 and tx._code[-1] == "0 Ts"


def ink(png: Path) -> Image.Image:
    image = Image.open(png).convert("L").point(lambda v: 255 if v < 128 else 0).convert("1")
    return image.crop(image.getbbox())


def overlap(a: Image.Image, b: Image.Image) -> float:
    size = (max(a.width, b.width), max(a.height, b.height))
    pa, pb = Image.new("1", size), Image.new("1", size)
    pa.paste(a, (0, 0))
    pb.paste(b, (0, 0))
    both = ImageChops.logical_and(pa, pb).histogram()[-1]
    either = ImageChops.logical_or(pa, pb).histogram()[-1]
    return both / either


@needs("pdftoppm")
@needs("hb-view")
def test_rendered_khmer_matches_harfbuzz_rendering(tmp_path):
    # 20 pt at 144 dpi is 40 px, the size hb-view draws at --font-size=40.
    big = ParagraphStyle("probe", parent=styles.khmer_styles().body, fontSize=20, leading=36)
    pdf = build([text.paragraph(RISE_PROBE, big)], tmp_path / "probe.pdf")
    assert (
        run("pdftoppm", "-r", "144", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "page")).returncode == 0
    )
    hb_png = tmp_path / "hb.png"
    result = run(
        "hb-view", "--font-size=40", "-O", "png", "-o", str(hb_png), str(fonts.font_path(fonts.KHMER)), RISE_PROBE
    )
    assert result.returncode == 0, result.stderr
    ours, reference = ink(tmp_path / "page.png"), ink(hb_png)
    # Unshaped text, or the unpatched setRise (ជាកខគ drawn 6 pt low), overlaps about 0.25.
    assert abs(ours.height - reference.height) <= 3 and abs(ours.width - reference.width) <= 3
    assert overlap(ours, reference) > 0.6


@needs("pdftoppm")
def test_sample_page_renders_to_png(sample_pdf, tmp_path):
    result = run("pdftoppm", "-r", "100", "-png", "-singlefile", str(sample_pdf), str(tmp_path / "sample"))
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "sample.png") as image:
        assert image.size == (827, 1170)


def test_builds_under_the_lock_are_identical_across_threads():
    def one_build():
        out = BytesIO()
        with build_lock:
            SimpleDocTemplate(out, pagesize=A4, invariant=1, **styles.doc_kwargs()).build(story())
        return out.getvalue()

    results = []
    threads = [threading.Thread(target=lambda: results.append(one_build())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len(set(results)) == 1
