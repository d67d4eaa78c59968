"""The standard sentences of the report, written from the numbers by Jinja2 templates.

Templates are plain files in ``templates/narrative/`` (shipped as ``nianbao.templates``); an office
may edit them or put its own in a directory passed as ``templates_dir`` — files there win over
the built-in ones of the same name.  A *part* is the place a text goes:

* a text id of the format (``s1.active``, ``s1.request``, ``s6.other`` …): the generated text
  fills that part when the office left it empty (``offer_generated`` shows it alongside);
* a section key (``s4``, ``s6`` …): a lead paragraph printed at the start of that section, before
  its texts or table, whatever the office wrote (a template may stay silent by rendering nothing);
* ``preamble``: the paragraph under the title, before 「一、」.

For each part the file ``{part}.{format}.j2`` is used if it exists, else ``{part}.j2``; a part
without a template gets no generated text.  Output is split into paragraphs at blank lines;
single line breaks inside a paragraph are joined (Chinese needs no space), so a long sentence
may be wrapped in the template file.

Safety: templates run in :class:`jinja2.sandbox.SandboxedEnvironment` (a user-supplied template
cannot reach Python internals), with :class:`jinja2.StrictUndefined` (a misspelt variable is an
error naming file and line, never a silent blank).  User data — unit names, office texts — is
only ever passed as *values*, so ``{{ 7*7 }}`` in a unit name is printed as those characters.
Autoescaping is off on purpose: the output is plain text that :mod:`docx` puts into ``w:t``
elements through lxml, which escapes ``<`` and ``&`` itself; escaping here as HTML would print
``&lt;`` in the Word document.
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Mapping

from jinja2 import (ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound,
                    TemplateSyntaxError, TemplatesNotFound, UndefinedError)
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from .errors import NianbaoError
from .formats.common import t3_result_rows
from .formats.model import Format
from .report import Invalid, Money, Report, format_number, is_number
from .sandbox import MAX_OUTPUT, LimitedSandbox, TemplateLimit, render_limited

PREAMBLE = "preamble"


def builtin_templates_dir() -> Path:
    return Path(str(files("nianbao.templates").joinpath("narrative")))


class _MissingUsed(Exception):
    """A template used a value its report does not have (see :class:`MissingFact`)."""


class MissingFact:
    """A value the report does not have (missing from its source, or not a number).

    Missing is not 0: a template that prints, compares or adds it stops, and its part gets no
    generated text — the office writes that part itself — rather than a sentence with a made-up 0.
    """

    __slots__ = ()

    def _stop(self, *args: Any) -> Any:
        raise _MissingUsed()

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _stop
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _stop
    __truediv__ = __rtruediv__ = __str__ = __int__ = __float__ = __iter__ = _stop
    __hash__ = None  # type: ignore[assignment]


MISSING_FACT = MissingFact()


def _finalize(value: Any) -> Any:
    # every {{ … }} passes through here: numbers print as in the tables, nothing else changes
    if isinstance(value, MissingFact):
        raise _MissingUsed()
    if isinstance(value, (int, float, Decimal, Invalid)) and not isinstance(value, bool):
        return format_number(value)
    return value


# -- the context ----------------------------------------------------------------------------------
class Facts:
    """A read-only bag of named values for templates: ``t3.new.total``.

    Not a dict on purpose: a dict's methods would shadow keys (``t2.procurement.items`` would be
    ``dict.items``).  A missing name is undefined, which StrictUndefined turns into an error.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self):
        return iter(self._data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("read-only")

    def __repr__(self) -> str:
        return f"Facts({self._data!r})"


def _nest(flat: Mapping[str, Any]) -> Facts:
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        node = tree
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value

    def freeze(node: Any) -> Any:
        return Facts({k: freeze(v) for k, v in node.items()}) if isinstance(node, dict) else node

    return freeze(tree)


# the number a heading or label starts with: 「（二）」「三、」「2.」 (shared with the document)
LEADING_ORDINAL = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+\.)")
_NOTE = re.compile(r"（[^（）]*）$")


def short_label(label: str) -> str:
    """「（二）部分公开（区分处理的，…）」 → 「部分公开」: the name a sentence uses."""
    return _NOTE.sub("", LEADING_ORDINAL.sub("", label)).strip()


def _group_key(keys: list[str]) -> str:
    # rows under one printed group share a key stem: denied_1 … denied_8 → denied
    return os.path.commonprefix(keys).rstrip("_") or keys[0]


def _fact(report: Report, fid: str, unit: str | None = None) -> Any:
    """A value as the office entered it.  A blank is not a 0 here (the rules count it so; a
    sentence does not): nothing was entered, so nothing is said — like a value missing from the
    source or text that is no number.  An amount carries its unit (:class:`Money`)."""
    v = report.values.get(fid)
    if not is_number(v):
        return MISSING_FACT
    return Money(v, unit) if unit is not None else v


def is_entered(value: Any) -> bool:
    """The template test ``x is entered``: a value the office entered, 0 included (see
    :class:`MissingFact`)."""
    return not isinstance(value, MissingFact)


def total(values: Iterable[Any]) -> Any:
    """The template function ``total([a, b])``: the sum when every value was entered, else not
    entered (a sentence states a sum only from what was entered)."""
    values = list(values)
    return MISSING_FACT if any(isinstance(v, MissingFact) for v in values) else sum(values)


# an office's whole text that only says there is nothing to report (「无」): the template test
# ``text is nothing_to_report`` (s6.other.j2 says it in full); the document prints that instead
NOTHING_TO_REPORT = re.compile(r"^(无|暂无|没有|无此项)[。.]?$")


def is_nothing_to_report(text: Any) -> bool:
    return isinstance(text, str) and bool(NOTHING_TO_REPORT.match(text.strip(" \t\u3000\xa0")))


def narrative_context(report: Report) -> dict[str, Any]:
    """Everything a template can use.  Numbers are what the office entered (0 included); a value
    not entered — blank, missing from the source, or text that is no number — is a
    :class:`MissingFact`: a template tests ``x is entered`` before it says anything about it,
    and one that uses it anyway says nothing for its part.  Amounts print as money
    (:func:`nianbao.report.format_money`) and have ``.unit``.

    * ``unit``, ``year``, ``format`` ("2021"), ``format_title``, ``basis`` (国办公开办函〔…〕),
      ``format_name`` (the document cited in 书名号)
    * ``meta``: the items of 基本信息 (``meta.address``, ``meta.postcode``, ``meta.phone``,
      ``meta.email``, ``meta.website``, ``meta.date`` …), "" when blank
    * ``t2``, ``t3``, ``t4``: ``t{n}.{row}.{column}`` by the field ids of the format
      (``t2.rules.issued``, ``t3.new.total``, ``t4.review.total``); in ``t3`` each printed group
      of sub-rows also has its sums (``t3.denied.total`` = Σ 不予公开 1–8, likewise
      ``unavailable``, ``not_processed`` and, in 2021, ``other``), entered when every
      sub-row was
    * ``t3_outcomes``: the result categories （一）…（六） in order, each with ``name``
      (「予以公开」), ``key`` and the seven column sums (``o.total``)
    * ``s1`` … ``s6``: the section's extras (``s6.fee_notices``, ``s6.fee_amount`` in 2021)
    * ``total([a, b])``: a sum, entered when every term was; tests ``x is entered`` and
      ``text is nothing_to_report`` (an office's 「无」)
    * ``texts``: the office's own texts by id (``texts["s6.other"]``), "" when empty
    """
    fmt = report.spec
    ctx: dict[str, Any] = {
        "unit": report.meta.unit or "",
        "year": report.meta.year if report.meta.year is not None else "",
        "format": fmt.id,
        "format_title": fmt.title,
        "basis": fmt.basis,
        "format_name": fmt.name,
        "meta": Facts({k: "" if v is None else v for k, v in asdict(report.meta).items()}),
        "texts": Facts({k: v or "" for k, v in report.texts.items()}),
    }
    for table in fmt.tables:
        flat: dict[str, Any] = {}
        for block in table.blocks:
            for row in block.rows:
                for col in block.columns:
                    rel = ".".join(p for p in (row.key, col.key) if p)
                    flat[rel] = _fact(report, f"{table.key}.{rel}",
                                      col.unit if col.kind == "money" else None)
        # a table whose rows are banded (表三「三、本年度办理结果」) gets its outcome groups
        if t3_result_rows(table):
            outcomes = []
            block = table.blocks[0]
            by_key = {r.key: r for r in block.rows}
            groups: dict[str, list[str]] = {}
            for key in t3_result_rows(table):
                groups.setdefault(by_key[key].labels[0], []).append(key)
            for label, keys in groups.items():
                gkey = keys[0] if len(keys) == 1 else _group_key(keys)
                sums = {c.key: total(flat[f"{k}.{c.key}"] for k in keys) for c in block.columns}
                if len(keys) > 1 and f"{gkey}.{block.columns[0].key}" not in flat:
                    flat.update({f"{gkey}.{c}": v for c, v in sums.items()})
                outcomes.append(Facts({"name": short_label(label), "key": gkey, **sums}))
            ctx[f"{table.key}_outcomes"] = tuple(outcomes)
        ctx[table.key] = _nest(flat)
    for section in fmt.sections:
        ctx[section.key] = Facts({e.key.split(".", 1)[1]:
                                  _fact(report, e.key, e.unit if e.kind == "money" else None)
                                  for e in section.extras})
    return ctx


# -- the environment ------------------------------------------------------------------------------
def _paragraphs(text: str) -> list[str]:
    out = []
    for chunk in re.split(r"\n[ \t\u3000]*\n", text):
        joined = "".join(line.strip() for line in chunk.splitlines())
        if joined:
            out.append(joined)
    return out


class _TemplateLoader(FileSystemLoader):
    """Reads a template as UTF-8 (with or without BOM) or, failing that, as GB18030 — what
    Notepad's 「ANSI」 means on a Chinese Windows, where offices will edit these files."""

    def get_source(self, environment, template):
        pieces = split_template_path(template)  # refuses "..": no escape from the directory
        for searchpath in self.searchpath:
            filename = os.path.join(searchpath, *pieces)
            if os.path.isfile(filename):
                break
        else:
            raise TemplateNotFound(template)
        with open(filename, "rb") as f:
            data = f.read()
        try:
            contents = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                contents = data.decode("gb18030")
            except UnicodeDecodeError:
                raise NianbaoError("document.template_encoding", template=filename) from None
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


@lru_cache(maxsize=8)
def _environment(templates_dir: str | None) -> LimitedSandbox:
    loaders = []
    if templates_dir is not None:
        loaders.append(_TemplateLoader(templates_dir))
    loaders.append(_TemplateLoader(str(builtin_templates_dir())))
    env = LimitedSandbox(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,  # plain text; python-docx escapes for XML (see module docstring)
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_finalize,
    )
    env.filters["num"] = format_number
    env.tests["entered"] = is_entered
    env.tests["nothing_to_report"] = is_nothing_to_report
    env.globals["total"] = total
    return env


def _line_of(exc: BaseException, filename: str | None) -> int | str:
    """The template line an exception was raised at (Jinja maps its frames onto the template)."""
    line: int | str = "?"
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class Narrator:
    """Renders the narrative parts of one format's reports from one set of templates."""

    def __init__(self, templates_dir: str | os.PathLike | None = None) -> None:
        if templates_dir is not None:
            path = Path(templates_dir)
            if not path.is_dir():
                raise NianbaoError("document.templates_dir_missing", dir=str(path))
            templates_dir = str(path.resolve())
        self.env = _environment(templates_dir)

    def _template(self, part: str, format_id: str):
        names = [f"{part}.{format_id}.j2", f"{part}.j2"]
        try:
            return self.env.select_template(names)
        except (TemplatesNotFound, TemplateNotFound):
            return None
        except TemplateSyntaxError as e:
            raise NianbaoError("document.template_syntax", template=e.filename or e.name,
                               line=e.lineno, detail=e.message) from e

    def render(self, part: str, context: Mapping[str, Any]) -> list[str] | None:
        """The paragraphs of ``part``; ``None`` when it has no template, ``[]`` when the
        template chose to say nothing."""
        template = self._template(part, context["format"])
        if template is None:
            return None
        name = template.filename or template.name
        try:
            text = render_limited(template, context)
        except TemplateLimit as e:
            if e.output:
                raise NianbaoError("document.template_too_long", template=name,
                                   limit=MAX_OUTPUT) from None
            raise NianbaoError("document.template_too_big", template=name,
                               line=_line_of(e, template.filename), detail=e.detail) from None
        except _MissingUsed:
            return []  # the data this part needs is missing: the office writes it
        except UndefinedError as e:
            raise NianbaoError("document.template_undefined", template=name,
                               line=_line_of(e, template.filename), detail=e.message) from e
        except SecurityError as e:
            raise NianbaoError("document.template_unsafe", template=name,
                               line=_line_of(e, template.filename), detail=str(e)) from e
        except TemplateSyntaxError as e:  # an {% include %} of a broken file
            raise NianbaoError("document.template_syntax", template=e.filename or e.name,
                               line=e.lineno, detail=e.message) from e
        except Exception as e:  # 1/0, "a" + 1 …: still the template's fault, say where
            raise NianbaoError("document.template_failed", template=name,
                               line=_line_of(e, template.filename),
                               detail=f"{type(e).__name__}: {e}") from e
        return _paragraphs(text)


def parts_of(fmt: Format) -> list[str]:
    """Every part a template may fill, in document order."""
    out = [PREAMBLE]
    for section in fmt.sections:
        out.append(section.key)
        out.extend(t.key for t in section.texts)
    return out


def render_narratives(report: Report, templates_dir: str | os.PathLike | None = None,
                      parts: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Generated paragraphs of every part that has a template (whether or not the office
    wrote its own text there — :func:`nianbao.document.render_report` decides what to print)."""
    narrator = Narrator(templates_dir)
    ctx = narrative_context(report)
    out: dict[str, list[str]] = {}
    for part in parts if parts is not None else parts_of(report.spec):
        paras = narrator.render(part, ctx)
        if paras is not None:
            out[part] = paras
    return out


__all__ = ["Narrator", "narrative_context", "render_narratives", "format_number", "short_label",
           "parts_of", "builtin_templates_dir", "PREAMBLE"]
