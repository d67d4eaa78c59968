"""Build ``templates/report.docx``, the Word template of the annual report — a maintainer's
tool, not shipped in the package (the package ships the .docx it makes).

    .venv/bin/python tools/build_docx.py        # rewrites templates/report.docx

The file holds only page setup, footers and styles; :func:`nianbao.document.render_report` opens
it, replaces the body and fills in the report.  An office may restyle the .docx in Word instead
of rerunning this script (change a style, keep its name); the body text in the file is a style
specimen for that purpose and never reaches a report.

Everything follows GB/T 9704-2012 《党政机关公文格式》:

* A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm → text block 156 × 225 mm;
* 22 lines per page → exact line spacing 225 mm / 22 = 28.95 pt (578 twips) on a line grid;
  28 characters a line → character spacing −0.25 pt on the body (156 mm / 28 = 15.79 pt);
* title 2号 (22 pt) 方正小标宋简体, centred; body 3号 (16 pt) 仿宋_GB2312, first line indented
  two characters; 「一、」 headings 黑体, 「（一）」 headings 楷体_GB2312, both 3号;
* page numbers 4号 (14 pt) half-width 「— 1 —」, 7 mm below the text block, odd pages right and
  even pages left, one character in from the edge of the text block.

Fonts: government PCs usually have the GB2312 fonts, other machines do not.  Each style names
the official font for Chinese text (``w:eastAsia``, which is what Word uses for CJK) and the
font table gives Word a fallback (``w:altName``):

    仿宋_GB2312 → 仿宋 (FangSong)      楷体_GB2312 → 楷体 (KaiTi)
    方正小标宋简体 → 宋体 (SimSun)      黑体 → SimHei
LibreOffice substitutes through fontconfig (any installed CJK font, e.g. WenQuanYi Micro Hei).
"""
from __future__ import annotations

import math
import re
import sys
import zipfile
from pathlib import Path

import docx
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from nianbao.document import CELL_MARGIN, STYLE  # what render_report relies on
from nianbao.formats import CURRENT, get_format

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "templates" / "report.docx"

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
# name → (fallback, panose, charset 86 = GB2312)
FONT_TABLE = {
    FANGSONG: ("仿宋", "02010609030101010101"),
    KAITI: ("楷体", "02010609030101010101"),
    HEITI: ("SimHei", "02010609060101010101"),
    XIAOBIAOSONG: ("宋体", "02000000000000000000"),
    SONGTI: ("SimSun", "02010600030101010101"),
    "仿宋": ("FangSong", "02010609060101010101"),
    "楷体": ("KaiTi", "02010609060101010101"),
}

LINE = Twips(578)  # 28.9 pt: 22 lines in the 225 mm text block
CHARS_PER_LINE = 28
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TITLE_LINE_PT = 29  # the title's line spacing: 10.2 mm, as published titles are set
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 9  # 小五, as published reports set their tables


def set_fonts(style, font: str, size: float | None = None, bold: bool | None = False) -> None:
    """One font for every script, with no theme font overriding it (Word prefers a theme font
    given at the same level), the East-Asian slot named explicitly."""
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), font)
    rfonts.set(qn("w:hint"), "eastAsia")  # “”…— are CJK punctuation here, not Latin
    if size is not None:
        style.font.size = Pt(size)
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = OxmlElement("w:szCs")
            rpr.append(szcs)
        szcs.set(qn("w:val"), str(int(size * 2)))
    if bold is not None:
        style.font.bold = bold
        style.font.italic = False
    style.font.color.rgb = None


def indent_chars(pf_element, first_line_chars: int, size_pt: float) -> None:
    """First-line indent in characters (w:firstLineChars), so it follows the font size;
    python-docx has no API for the *Chars attributes."""
    ppr = pf_element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
    ind.set(qn("w:firstLine"), str(int(first_line_chars * size_pt * 20)))


def no_grid_snap(style) -> None:
    ppr = style.element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.append(snap)


def outline_level(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def paragraph_style(doc, name: str, style_id: str, base: str | None = "Normal"):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    if base:
        style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def exact(pf, line) -> None:
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)


def build_styles(doc) -> None:
    # document defaults: Chinese text, 仿宋 3号, no theme fonts
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), FANGSONG)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = doc.styles["Normal"]  # 正文
    set_fonts(normal, FANGSONG, BODY_PT)
    exact(normal.paragraph_format, LINE)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.widow_control = True
    indent_chars(normal.element, 2, BODY_PT)
    # A 「；」 hanging past the right margin of a justified line is left out of LibreOffice's PDF
    # (7.4). LibreOffice reads w:overflowPunct the wrong way round (writerfilter: hanging =
    # val == 0) and hangs punctuation by default, so it is stopped by val="1" — which for Word
    # is its default, hanging allowed; Word draws a hanging 「；」 in its margin.
    overflow = OxmlElement("w:overflowPunct")
    overflow.set(qn("w:val"), "1")
    normal.element.get_or_add_pPr().append(overflow)

    title = paragraph_style(doc, STYLE.title, "NianbaoTitle")
    set_fonts(title, XIAOBIAOSONG, TITLE_PT)
    # its own exact spacing, off the body's line grid: snapped to it, a 22 pt line took two grid
    # lines and the title's lines stood 20 mm apart, read as two titles (published: about 10 mm)
    exact(title.paragraph_format, Pt(TITLE_LINE_PT))
    no_grid_snap(title)
    title.paragraph_format.space_after = LINE  # one blank line before the text (GB/T 9704 7.3.3)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True
    indent_chars(title.element, 0, TITLE_PT)
    title.next_paragraph_style = normal

    h1 = paragraph_style(doc, STYLE.heading1, "NianbaoHeading1")
    set_fonts(h1, HEITI, BODY_PT)
    h1.paragraph_format.keep_with_next = True
    outline_level(h1, 0)
    h1.next_paragraph_style = normal

    h2 = paragraph_style(doc, STYLE.heading2, "NianbaoHeading2")
    set_fonts(h2, KAITI, BODY_PT)
    h2.paragraph_format.keep_with_next = True
    outline_level(h2, 1)
    h2.next_paragraph_style = normal

    offered = paragraph_style(doc, STYLE.offered, "NianbaoOffered")
    offered.font.color.rgb = None
    rpr = offered.element.get_or_add_rPr()
    shd = OxmlElement("w:shd")  # a grey ground marks text the office has not chosen yet
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "E7E6E6")
    rpr.append(shd)

    cell = paragraph_style(doc, STYLE.table_text, "NianbaoTableText")
    set_fonts(cell, FANGSONG, TABLE_PT)
    pf = cell.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    indent_chars(cell.element, 0, TABLE_PT)
    no_grid_snap(cell)

    head = paragraph_style(doc, STYLE.table_head, "NianbaoTableHead", base=STYLE.table_text)
    set_fonts(head, HEITI, TABLE_PT)

    label = paragraph_style(doc, STYLE.table_label, "NianbaoTableLabel", base=STYLE.table_text)
    label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    note = paragraph_style(doc, STYLE.table_note, "NianbaoTableNote", base=STYLE.table_text)
    set_fonts(note, FANGSONG, 8)
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    page = paragraph_style(doc, STYLE.page_number, "NianbaoPageNumber", base=None)
    set_fonts(page, SONGTI, PAGE_NUMBER_PT)
    exact(page.paragraph_format, Pt(PAGE_NUMBER_PT))
    # no first-line indent: LibreOffice bases every style on 正文 and would indent the even
    # pages' number (aligned left) by the body's two characters — 44 mm in, not 33
    indent_chars(page.element, 0, PAGE_NUMBER_PT)
    no_grid_snap(page)

    table = doc.styles.add_style(STYLE.table, WD_STYLE_TYPE.TABLE)
    table.style_id = "NianbaoTable"
    table.base_style = doc.styles["Normal Table"]
    tblpr = table.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        table.element.append(tblpr)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "6" if side.startswith("inside") else "8")  # ½ pt inside, 1 pt frame
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center")
    tblpr.append(jc)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 28), ("left", CELL_MARGIN), ("bottom", 28), ("right", CELL_MARGIN)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(width))  # 1.5 mm left/right: 表四's fifteen columns stay readable
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.append(margins)


def page_number_paragraph(doc, footer, align, indent_side: str) -> None:
    p = footer.paragraphs[0]
    p.style = doc.styles[STYLE.page_number]
    p.alignment = align
    ppr = p._p.get_or_add_pPr()
    ind = OxmlElement("w:ind")
    ind.set(qn(f"w:{indent_side}Chars"), "100")  # 空一字 (GB/T 9704 7.5)
    ind.set(qn(f"w:{indent_side}"), str(PAGE_NUMBER_PT * 20))
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:firstLine"), "0")
    ppr.append(ind)
    p.add_run("— ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text and text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    p.add_run(" —")


def build_page(doc) -> None:
    s = doc.sections[0]
    s.start_type = WD_SECTION.NEW_PAGE
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(37), Mm(35)
    s.left_margin, s.right_margin = Mm(28), Mm(26)
    s.header_distance = Mm(15)
    # Word measures the footer from the page edge to the bottom of its text: the number's line
    # (exactly 14 pt ≈ 4.9 mm) then starts 35 − 23 − 4.9 ≈ 7 mm below the text block.
    s.footer_distance = Mm(23)
    doc.settings.odd_and_even_pages_header_footer = True
    document_grid(s)
    page_number_paragraph(doc, s.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right")  # odd pages
    page_number_paragraph(doc, s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")


def document_grid(section) -> None:
    """22 lines a page on the line grid (GB/T 9704 5.2.2).

    A grid of lines *and characters* (Word's 28 × 22 with ``w:charSpace`` -849) is not used:
    LibreOffice draws a character larger than the grid pitch over two cells (tried with 7.4: 17
    characters a line, or one).  28 characters come from the body's character spacing instead
    (:func:`character_pitch`), which Word and LibreOffice both honour."""
    sectpr = section._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE.twips))


def character_pitch(style, section) -> None:
    """Character spacing that fits CHARS_PER_LINE characters of the style's size on a line:
    156 mm / 28 = 15.79 pt a character for 16 pt type, so −0.25 pt (in twentieths of a point,
    rounded away from zero: a line must not come out one character short)."""
    text_width = (section.page_width - section.left_margin - section.right_margin) / Pt(1)
    gap = text_width / CHARS_PER_LINE - style.font.size.pt
    rpr = style.element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(math.floor(gap * 20)))
    rpr.append(spacing)


def specimen(doc) -> None:
    """Sample text in every style, so an office sees what to restyle (replaced when rendering)."""
    doc.add_paragraph("××单位2021年政府信息公开工作年度报告", STYLE.title)
    doc.add_paragraph(
        "本文件是年报的 Word 模板（nianbao）。在 Word 中修改样式（如「年报标题」「年报一级标题」"
        "「正文」「表格文字」），保存后生成的年报即采用新样式；请勿改动样式名称。"
        "此处正文仅作样式示例，不会出现在年报中。")
    doc.add_paragraph("一、总体情况", STYLE.heading1)
    doc.add_paragraph("（一）主动公开情况", STYLE.heading2)
    doc.add_paragraph("正文示例：本年度共收到政府信息公开申请9件，上年结转0件。")
    doc.add_paragraph("据表格数据生成、供参考的文字示例。", STYLE.offered)
    # the specimen table is the first block of table 2, labels from the format declaration
    block = get_format(CURRENT).table("t2").blocks[0]
    specimen = [(block.corner, *(c.labels[-1] for c in block.columns))]
    specimen += [(row.labels[-1], *("0" for _ in block.columns)) for row in block.rows]
    t = doc.add_table(rows=len(specimen), cols=len(specimen[0]), style=STYLE.table)
    for r, cells in enumerate(specimen):
        for c, text in enumerate(cells):
            para = t.cell(r, c).paragraphs[0]
            para.text = text
            para.style = doc.styles[STYLE.table_head if r == 0 else
                                    STYLE.table_label if c == 0 else STYLE.table_text]


# Parts python-docx's default template brings from the machine that made it: a blank preview
# picture, a bibliography store, Word 2010's styles-with-effects copy.  None belongs to a report.
DROPPED_PARTS = ("docProps/thumbnail.jpeg", "customXml/", "word/stylesWithEffects.xml")
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    '<Application>nianbao</Application><DocSecurity>0</DocSecurity></Properties>')


def _font_table(text: str) -> str:
    """The official fonts with their fallbacks (w:altName)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    assert f'xmlns:w="{w}"' in text
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="86"/><w:family w:val="{"modern" if name != XIAOBIAOSONG else "script"}"/>'
        f'<w:pitch w:val="fixed"/></w:font>'
        for name, (alt, panose) in FONT_TABLE.items())
    return text.replace("</w:fonts>", entries + "</w:fonts>")


def _settings(text: str) -> str:
    """A current Word document (compatibility mode 15, Word 2013 on), not a Word 2010 one, and
    nothing of the template's editing history; Chinese as the East-Asian theme language."""
    text, n = re.subn(r'(<w:compatSetting w:name="compatibilityMode" [^>]*w:val=")\d+"',
                      r'\g<1>15"', text)
    assert n == 1, "compatibilityMode not found in settings.xml"
    text = re.sub(r"<w:rsids>.*?</w:rsids>", "", text)
    text = text.replace("<w:savePreviewPicture/>", "")
    return re.sub(r'(<w:themeFontLang [^>]*w:eastAsia=")[^"]*"', r'\g<1>zh-CN"', text)


def _without_dropped(text: str) -> str:
    """Relationships and content types minus those of the dropped parts."""
    for part in DROPPED_PARTS:
        # targets are relative to the part holding the relationship (word/…) or absolute
        for target in {part, "../" + part, "/" + part, part.removeprefix("word/")}:
            text = re.sub(r'<(Relationship|Override) [^>]*(Target|PartName)="'
                          + re.escape(target) + r'[^"]*"[^>]*/>', "", text)
    return text


PART_REWRITES = {
    "word/fontTable.xml": _font_table,
    "word/settings.xml": _settings,
    "_rels/.rels": _without_dropped,
    "word/_rels/document.xml.rels": _without_dropped,
    "[Content_Types].xml": _without_dropped,
    "docProps/app.xml": lambda _text: APP_XML,
}


def rewrite_package(path: Path) -> None:
    """Edit the saved package where python-docx has no API: the font table, the compatibility
    settings, and the leftovers of python-docx's own template (see DROPPED_PARTS)."""
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()
                 if not i.filename.startswith(DROPPED_PARTS)]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            rewrite = PART_REWRITES.get(info.filename)
            if rewrite is not None:
                data = rewrite(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    tmp.replace(path)


# Word refuses a file whose property elements are out of schema order (ECMA-376 Part 1,
# CT_PPrBase, CT_RPr, CT_TblPr); python-docx orders what it sets, but not what is appended here.
SCHEMA_ORDER = {
    "pPr": ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
            "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
            "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
            "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
            "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"),
    "rPr": ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
            "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
            "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
            "specVanish oMath"),
    "tblPr": ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
              "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook "
              "tblCaption tblDescription"),
}


def schema_order(root) -> None:
    for tag, names in SCHEMA_ORDER.items():
        rank = {qn(f"w:{n}"): i for i, n in enumerate(names.split())}
        for el in root.iter(qn(f"w:{tag}")):
            children = list(el)
            ordered = sorted(children, key=lambda c: rank.get(c.tag, len(rank)))
            if ordered != children:
                for c in children:
                    el.remove(c)
                el.extend(ordered)


def main(out: Path = OUT) -> Path:
    doc = Document()
    build_styles(doc)
    build_page(doc)
    character_pitch(doc.styles["Normal"], doc.sections[0])
    specimen(doc)
    schema_order(doc.styles.element)
    schema_order(doc.element)
    for footer in (doc.sections[0].footer, doc.sections[0].even_page_footer):
        schema_order(footer._element)
    props = doc.core_properties
    props.title = "政府信息公开工作年度报告（模板）"
    props.author = "nianbao"
    props.comments = "由 tools/build_docx.py 生成；可在 Word 中修改样式"
    props.revision = 1
    # the parts come from python-docx's default template: record which one, so a test can tell
    # "the script changed" from "python-docx changed"
    props.version = f"python-docx {docx.__version__}"
    doc.save(str(out))
    rewrite_package(out)
    return out


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
