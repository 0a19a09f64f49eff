"""Read a PDF's structure tree as a screen reader does, and print it as JSON.

A screen reader follows the structure tree, not the page: each element's
marked-content sequences (MCIDs) are read in the tree's order, and a span's
/ActualText replaces the glyphs inside it. pdftotext re-sorts text by position,
which hides a text layer written in visual order; this reader does not.

Usage: pdf_tags.py FILE.pdf...  ->  JSON on stdout, one entry per file:
  {FILE: {"info": {...}, "tree": ELEMENT, "to_unicode": [PROBLEM, ...]}}
  ELEMENT = {"type", "lang", "alt", "actual_text", "title", "text", "kids": [ELEMENT]}
where "text" is the element's logical text, read in tree order.
"""

import json
import sys
import unicodedata
from io import BytesIO

from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral

# Bidi formatting characters: none belongs in a glyph's Unicode mapping.
BIDI_CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def name(value):
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return value.name
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def text_string(value):
    """A PDF text string: UTF-16BE with a byte order mark, or PDFDocEncoding."""
    value = resolve1(value)
    if value is None:
        return None
    if isinstance(value, bytes):
        if value.startswith(b"\xfe\xff"):
            return value[2:].decode("utf-16-be")
        if value.startswith(b"\xef\xbb\xbf"):
            return value[3:].decode("utf-8")
        return value.decode("latin-1")
    return str(name(value))


class MarkedText(PDFDevice):
    """Collects each MCID's text in content order, honouring /ActualText spans."""

    def __init__(self, rsrcmgr):
        super().__init__(rsrcmgr)
        self.page = 0
        self.by_mcid = {}
        # One entry per open marked-content sequence: (mcid or None, actual text or None).
        self.stack = []

    def _current_mcid(self):
        for mcid, _ in reversed(self.stack):
            if mcid is not None:
                return mcid
        return None

    def _inside_actual_text(self):
        return any(actual is not None for _, actual in self.stack)

    def _emit(self, text):
        mcid = self._current_mcid()
        if mcid is not None:
            self.by_mcid.setdefault((self.page, mcid), []).append(text)

    def begin_tag(self, tag, props=None):
        props = resolve1(props) if props is not None else None
        mcid = None
        actual = None
        if isinstance(props, dict):
            if "MCID" in props:
                mcid = resolve1(props["MCID"])
            if "ActualText" in props:
                actual = text_string(props["ActualText"])
        outer_actual = self._inside_actual_text()
        self.stack.append((mcid, actual))
        if actual is not None and not outer_actual:
            self._emit(actual)

    def end_tag(self):
        if self.stack:
            self.stack.pop()

    def render_string(self, textstate, seq, ncs, graphicstate):
        if self._inside_actual_text():
            return
        font = textstate.font
        for item in seq:
            if not isinstance(item, bytes):
                continue
            for cid in font.decode(item):
                try:
                    self._emit(font.to_unichr(cid))
                except PDFUnicodeNotDefined:
                    self._emit("\ufffd")


def to_unicode_problems(document):
    """Glyph mappings a reader would get wrong: stray bidi controls, a mark that
    repeats its base letter."""
    problems = []
    seen = set()
    for font_dict in fonts(document):
        to_unicode = resolve1(font_dict.get("ToUnicode"))
        if to_unicode is None or id(to_unicode) in seen:
            continue
        seen.add(id(to_unicode))
        cmap = FileUnicodeMap()
        CMapParser(cmap, BytesIO(to_unicode.get_data())).run()
        font = text_string(font_dict.get("BaseFont"))
        for cid, text in sorted(cmap.cid2unichr.items()):
            if any(ch in BIDI_CONTROLS for ch in text):
                problems.append({"font": font, "cid": cid, "text": text, "problem": "bidi control"})
            if (
                len(text) >= 2
                and unicodedata.category(text[0]).startswith("L")
                and all(unicodedata.category(ch) in ("Mn", "Me") for ch in text[1:])
            ):
                problems.append({"font": font, "cid": cid, "text": text, "problem": "mark repeats its base"})
    return problems


def fonts(document):
    found = []
    for page in PDFPage.create_pages(document):
        resources = resolve1(page.resources) or {}
        for font in (resolve1(resources.get("Font")) or {}).values():
            font = resolve1(font)
            found.append(font)
            for descendant in resolve1(font.get("DescendantFonts")) or []:
                found.append(resolve1(descendant))
            # Type 3 and XObject fonts are not used by our documents.
    return found


def read(path):
    with open(path, "rb") as handle:
        parser = PDFParser(handle)
        document = PDFDocument(parser)
        rsrcmgr = PDFResourceManager()
        device = MarkedText(rsrcmgr)
        interpreter = PDFPageInterpreter(rsrcmgr, device)
        page_index = {}
        for index, page in enumerate(PDFPage.create_pages(document)):
            page_index[page.pageid] = index
            device.page = index
            interpreter.process_page(page)
        texts = {key: "".join(parts) for key, parts in device.by_mcid.items()}

        catalog = document.catalog
        root = resolve1(catalog.get("StructTreeRoot"))
        role_map = {}
        if root is not None:
            for key, value in (resolve1(root.get("RoleMap")) or {}).items():
                role_map[key] = name(value)

        def page_of(obj, inherited):
            page = obj.get("Pg") if isinstance(obj, dict) else None
            if isinstance(page, PDFObjRef):
                return page_index.get(page.objid, inherited)
            return inherited

        def element(obj, page):
            obj = resolve1(obj)
            page = page_of(obj, page)
            kind = name(obj.get("S"))
            node = {
                "type": role_map.get(kind, kind),
                "raw_type": kind,
                "lang": text_string(obj.get("Lang")),
                "alt": text_string(obj.get("Alt")),
                "actual_text": text_string(obj.get("ActualText")),
                "title": text_string(obj.get("T")),
                "kids": [],
            }
            parts = []
            kids = resolve1(obj.get("K"))
            if kids is None:
                kids = []
            elif not isinstance(kids, list):
                kids = [kids]
            for kid in kids:
                raw = kid
                kid = resolve1(kid)
                if isinstance(kid, int):
                    parts.append(texts.get((page, kid), ""))
                elif isinstance(kid, dict) and name(kid.get("Type")) == "MCR":
                    parts.append(texts.get((page_of(kid, page), resolve1(kid.get("MCID"))), ""))
                elif isinstance(kid, dict) and name(kid.get("Type")) == "OBJR":
                    continue
                elif isinstance(kid, dict) and "S" in kid:
                    child = element(raw, page)
                    node["kids"].append(child)
                    parts.append(child["text"])
            node["text"] = node["actual_text"] if node["actual_text"] is not None else "".join(parts)
            return node

        tree = None
        if root is not None:
            tree = {"type": "StructTreeRoot", "kids": [], "text": ""}
            kids = resolve1(root.get("K"))
            kids = kids if isinstance(kids, list) else [kids]
            for kid in kids:
                child = element(kid, None)
                tree["kids"].append(child)
            tree["text"] = "".join(kid["text"] for kid in tree["kids"])

        metadata = resolve1(catalog.get("Metadata"))
        viewer = resolve1(catalog.get("ViewerPreferences")) or {}
        info = {
            "lang": text_string(catalog.get("Lang")),
            "display_doc_title": bool(resolve1(viewer.get("DisplayDocTitle"))) if viewer else False,
            "marked": bool(resolve1((resolve1(catalog.get("MarkInfo")) or {}).get("Marked"))),
            "xmp": metadata.get_data().decode("utf-8", "replace") if metadata is not None else "",
            "pages": len(page_index),
        }
        return {"info": info, "tree": tree, "to_unicode": to_unicode_problems(document)}


if __name__ == "__main__":
    json.dump({path: read(path) for path in sys.argv[1:]}, sys.stdout, ensure_ascii=False)
