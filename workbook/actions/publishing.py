"""``nianbao report``, the add-in's 生成报告 and the server's ``/api/report``: the one way a
workbook becomes the published Word report — check, refuse when there are errors (unless
forced), write the .docx, the PDF where asked or where LibreOffice is available, and say when
the PDF was not set in the official fonts.  Every door calls :func:`publish`; none decides any
of this itself."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NianbaoError
from ..findings import Finding, Findings
from ..report import Report
from .checking import Source, check
from .outputs import Outputs

PathLike = str | os.PathLike[str]


@dataclass
class Published:
    """What :func:`publish` did.  ``refused``: errors stopped it (nothing written);
    ``forced``: there were errors and it wrote anyway."""

    findings: Findings
    docx: Path | None = None
    pdf: Path | None = None
    no_pdf: str | None = None  # why no PDF was made when one was wanted "where possible"
    pdf_failed: str | None = None  # why the PDF asked for could not be made (the .docx stands)
    font_warning: str | None = None  # the PDF is not set in the official fonts
    refused: bool = False
    forced: bool = False
    written: list[Path] = field(default_factory=list)
    # which paragraphs nianbao wrote, not the office, and where its own text would replace each
    generated: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """What keeps the report from being published unless forced: the errors, and a
        statutory table left wholly blank (:attr:`nianbao.Findings.blocking`)."""
        return self.findings.blocking

    @property
    def warnings(self) -> int:
        """The warnings that did not stop it."""
        stopping = self.errors
        return sum(1 for f in self.findings if f.severity == "warning" and f not in stopping)

    @property
    def refusal(self) -> "Refusal | None":
        """Why it was refused, as every door shows it (None when it was not)."""
        return refusal_of(self.findings) if self.refused else None

    @property
    def exit_code(self) -> int:
        """0 written, 1 refused because of errors, 2 the PDF asked for could not be made."""
        return 1 if self.refused else 2 if self.pdf_failed else 0


@dataclass(frozen=True)
class Refusal:
    """What stops a check's report from being published, decided here for every door: how many
    findings stop it (``errors`` of them errors, ``blank_tables`` statutory tables left wholly
    blank — warnings that stop it all the same), whether ``force`` may override it (``forcible``:
    there is a report to write), and the words the add-ins and the server show (``text``: the
    first few with their places, as the Excel add-in's 生成报告 says it)."""

    count: int
    errors: int
    blank_tables: int
    forcible: bool
    text: str

    @property
    def headline(self) -> str:
        """The text's first line (「有 N 处错误…未生成年报。请先改正：」), for a door that lists
        the findings itself."""
        return self.text.split("\n", 1)[0]

    def to_dict(self) -> dict[str, object]:
        return {"count": self.count, "errors": self.errors, "blank_tables": self.blank_tables,
                "forcible": self.forcible, "text": self.text, "headline": self.headline}


def refusal_of(findings: Findings) -> Refusal | None:
    """Why ``publish`` refuses (or would refuse) the report of this check; None when nothing
    stops it."""
    blocking = findings.blocking
    if not blocking:
        return None
    from ..painting import refusal_text
    from .checking import plan

    errors = sum(1 for f in blocking if f.severity == "error")
    return Refusal(len(blocking), errors, len(blocking) - errors,
                   findings.report is not None and not findings.unreadable,
                   refusal_text(plan(findings)))


def publish(source: Source, output: PathLike | None = None, *, previous: Source | None = None,
            force: bool = False, overwrite: bool = False, free: bool = False,
            pdf: bool | None = False, templates_dir: PathLike | None = None,
            offer_generated: bool = False, pdf_timeout: float = 180) -> Published:
    """Check ``source`` (a workbook, a published report or a Report) and write its Word report
    to ``output`` (default: beside the workbook, ``.docx``).

    ``force``: write even when the check finds errors.  ``overwrite``: replace an existing
    output (never an input); ``free``: write under a free name instead of refusing.  ``pdf``:
    True — also the PDF, which must succeed; None — the PDF where LibreOffice is installed;
    False — no PDF; ``pdf_timeout``: seconds LibreOffice may take.  Raises
    :class:`NianbaoError` when an input cannot be read or an output cannot be written; errors
    in the report are a result (``refused``), not an exception.
    """
    if output is None:
        if not isinstance(source, (str, os.PathLike)):
            raise NianbaoError("publish.no_output")
        output = Path(source).with_suffix(".docx")
    inputs = [s for s in (source, previous) if isinstance(s, (str, os.PathLike))]
    outputs = Outputs(inputs=inputs, force=overwrite, free=free)
    docx = outputs.add(output)
    want_pdf = pdf
    if pdf is None:
        from ..libreoffice import find_soffice

        want_pdf = find_soffice() is not None
    pdf_path = outputs.add(docx.with_suffix(".pdf")) if want_pdf else None
    findings = check(source, previous)
    done = Published(findings)
    if done.errors and not force:
        done.refused = True
        return done
    done.forced = bool(done.errors)
    from ..document import make_report, pdf_font_warning, written_lines

    assert findings.report is not None  # check() keeps the report it read
    made = make_report(findings.report, docx, templates_dir=templates_dir,
                       offer_generated=offer_generated)
    done.docx = made.path
    done.generated = written_lines(findings.report, made.written)
    done.written.append(done.docx)
    if pdf_path is not None:
        from ..libreoffice import to_pdf

        try:
            done.pdf = to_pdf(done.docx, pdf_path, timeout=pdf_timeout)
        except NianbaoError as e:  # the .docx still stands
            if pdf:  # asked for: the command failed
                done.pdf_failed = str(e)
            else:  # where possible: only said
                done.no_pdf = str(e)
        else:
            done.written.append(done.pdf)
            done.font_warning = pdf_font_warning(done.docx, done.pdf)
    return done


def render_document(report: Report, path: PathLike, *, force: bool = False,
                    templates_dir: PathLike | None = None, offer_generated: bool = False) -> Path:
    """The Word report of ``report`` at ``path``, without checking it first (``nianbao
    .render_report``); an existing file is replaced only with ``force``."""
    from ..document import render_report

    target = Outputs(force=force).add(path)
    return render_report(report, target, templates_dir=templates_dir,
                         offer_generated=offer_generated)


__all__ = ["publish", "Published", "Refusal", "refusal_of", "render_document"]
