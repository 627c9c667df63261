"""XLSX uploads, read without trusting them: the archive's directory is checked before anything is unpacked (a zip
bomb is refused from its declared sizes), every XML part is then streamed once through counters, and only then does
openpyxl read the first sheet, in read-only mode, line by line.

zipfile never inflates a member beyond the size its directory entry declares (it stops there and fails the CRC),
so the declared sizes are an upper bound of what openpyxl can unpack.
"""

import io
import posixpath
import struct
import zipfile
from xml.parsers import expat

from flask_babel import gettext as _

from .common import MIB, SheetError

END_RECORD = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
END_RECORD_SIZE = 22
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # bzip2 and lzma are no spreadsheet's, and lzma costs memory
RATIO_FROM_BYTES = MIB  # a small member may compress very well; below this size its ratio is harmless
CHUNK = 64 * 1024
MAX_TAG_BYTES = MIB  # a tag (or a text) longer than this is no spreadsheet's, and expat would hold it whole
ELEMENTS_PER_UNIT = 4000  # elements inside one <row> or one shared string (<si>)
MAX_CELLS = 100_000  # cells of one sheet


def unreadable():
    return SheetError(_("The file is not a readable XLSX workbook."))


def _unusual():
    return SheetError(
        _("The workbook is packed in an unusual way (encrypted or oddly named parts); save it again as .xlsx.")
    )


def _too_large(limit):
    return SheetError(_("The workbook is too large once unpacked (more than %(max)d MB).", max=limit // MIB))


def _too_many_parts(limit):
    return SheetError(_("The workbook has more than %(max)d parts.", max=limit))


def _too_complex():
    return SheetError(_("The workbook is too complex to import; copy the table into a new workbook or a CSV file."))


def rows_error(limits):
    return SheetError(_("The file has more than %(max)d rows.", max=limits.max_rows))


def columns_error(limits):
    return SheetError(_("A line of the file has more than %(max)d columns.", max=limits.max_columns))


def xlsx_lines(content, limits):
    """Yield the first sheet's lines (tuples of cell values, `max_columns` wide) once the workbook passed the checks.

    :raises SheetError: when the workbook breaks a limit or cannot be read.
    """
    check_archive(content, limits)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises whatever a malformed part makes it meet
        raise unreadable() from None
    try:
        if not workbook.worksheets:
            raise unreadable()
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a wrong <dimension> would cut the rows short; the scan bounded them already
        lines = sheet.iter_rows(max_col=limits.max_columns, values_only=True)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except Exception:
                raise unreadable() from None
            yield line
    finally:
        workbook.close()


def check_archive(content, limits):
    """Refuse a workbook whose archive or XML breaks a limit, reading no more than one chunk at a time."""
    _check_end_record(content, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            for member in members:
                _scan_member(archive, member, limits)
    except SheetError:
        raise
    except Exception:  # BadZipFile, a failed CRC, zlib.error, a truncated member…
        raise unreadable() from None


def _check_end_record(content, limits):
    """Read the directory's size where zipfile will, so that a directory of a million entries is never parsed."""
    position = len(content) - END_RECORD_SIZE
    if not (content[position : position + 4] == END_RECORD and content[-2:] == b"\0\0"):
        position = content.rfind(END_RECORD, max(0, len(content) - END_RECORD_SIZE - 0xFFFF))
    if position < 0 or len(content) - position < END_RECORD_SIZE:
        raise unreadable()
    if position >= 20 and content[position - 20 : position - 16] == ZIP64_LOCATOR:
        raise _unusual()  # zipfile would take the sizes from a ZIP64 record instead; no spreadsheet needs one
    entries, directory_bytes = struct.unpack("<HI", content[position + 10 : position + 16])
    if entries > limits.max_members or directory_bytes > limits.max_directory_bytes:
        raise _too_many_parts(limits.max_members)


def _check_members(members, limits):
    if len(members) > limits.max_members:
        raise _too_many_parts(limits.max_members)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise _too_large(limits.max_unpacked_bytes)
    if unpacked > RATIO_FROM_BYTES and unpacked > limits.max_ratio * max(packed, 1):
        raise _too_packed(limits)
    names = set()
    for member in members:
        if member.flag_bits & 0x1 or member.compress_type not in METHODS or not _safe_name(member.filename):
            raise _unusual()
        if member.filename in names:
            raise _unusual()
        names.add(member.filename)
        strings = posixpath.basename(member.filename).lower() == "sharedstrings.xml"
        limit = limits.max_strings_bytes if strings else limits.max_part_bytes
        if member.file_size > limit:
            raise _too_large(limit)
        if member.file_size > RATIO_FROM_BYTES and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise _too_packed(limits)


def _too_packed(limits):
    return SheetError(
        _(
            "The workbook is compressed far more than a real table would be (over %(ratio)d to 1); "
            "save it again as .xlsx or as CSV.",
            ratio=limits.max_ratio,
        )
    )


def _safe_name(name):
    """Tell whether a member's name is a plain relative path (no absolute path, drive, backslash, `..` or `.`)."""
    if not name or "\\" in name or "\0" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    parts = name[:-1].split("/") if name.endswith("/") else name.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _looks_like_xml(head):
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\0", b"\0<"):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _scan_member(archive, member, limits):
    """Stream one member through expat (which builds no tree) when it is XML, counting what openpyxl would hold."""
    if member.is_dir() or member.file_size == 0:
        return
    with archive.open(member) as stream:
        chunk = stream.read(CHUNK)
        if not _looks_like_xml(chunk):
            return  # an image or a printer setting: openpyxl's read-only mode never parses it
        scan = _PartScan(limits)
        gap = 0
        while chunk:
            gap = _check_gaps(chunk, gap)
            scan.feed(chunk)
            chunk = stream.read(CHUNK)
        scan.feed(b"", final=True)


def _check_gaps(chunk, gap):
    """Return the bytes since the last `<`; refuse a stretch longer than MAX_TAG_BYTES (`<` never sits in a value)."""
    pieces = chunk.split(b"<")
    longest = max([gap + len(pieces[0]), *map(len, pieces[1:])])
    if longest > MAX_TAG_BYTES:
        raise _too_complex()
    return gap + len(chunk) if len(pieces) == 1 else len(pieces[-1])


class _PartScan:
    """Counters over one XML part: rows, cells and shared strings, and the elements openpyxl keeps until the end."""

    def __init__(self, limits):
        self.limits = limits
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.ordered_attributes = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.refuse  # no DTD, so no entity to expand
        self.parser.EntityDeclHandler = self.refuse
        self.root = None
        self.depth = 0
        self.unit_depth = 0  # the depth of the <row> or <si> we are in, 0 outside
        self.units = self.cells = self.row_cells = self.unit_elements = self.elements = 0

    def feed(self, data, *, final=False):
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError:
            raise unreadable() from None

    def refuse(self, *_args):
        raise _too_complex()

    def start(self, name, attributes):
        local = name.rpartition("}")[2]
        self.depth += 1
        if self.root is None:
            self.root = local
        if len(attributes) > 200:  # name, value, name, value…
            raise _too_complex()
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > ELEMENTS_PER_UNIT:
                raise _too_complex()
            if local == "c" and self.depth == self.unit_depth + 1:
                self._count_cell()
        elif (self.root, local) in (("worksheet", "row"), ("sst", "si")):
            self.unit_depth, self.unit_elements, self.row_cells = self.depth, 0, 0
            self.units += 1
            if local == "row" and self.units > self.limits.max_lines:
                raise rows_error(self.limits)
            if local == "si" and self.units > self.limits.max_strings:
                raise _too_complex()
        else:
            self.elements += 1
            if self.elements > self.limits.max_elements:
                raise _too_complex()

    def _count_cell(self):
        self.row_cells += 1
        self.cells += 1
        if self.row_cells > self.limits.max_columns:
            raise columns_error(self.limits)
        if self.cells > MAX_CELLS:
            raise _too_complex()

    def end(self, _name):
        if self.depth == self.unit_depth:
            self.unit_depth = 0
        self.depth -= 1
