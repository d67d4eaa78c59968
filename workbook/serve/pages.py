"""The pages: plain HTML forms that work without JavaScript, in Chinese.

* ``/`` — the clerk (no login): a blank workbook; an upload checked, with the findings (errors,
  then warnings, then notices), the marked copy, 生成报告 and the review of warnings on the
  result page — the result page carries the workbook back in its own form, so nothing is kept
  on the server after a response; this year's workbook from last year's.
* ``/coordinator``, ``/rounds…`` — the coordinator (token, then a session cookie): rounds, their
  upload links, the status board, consolidation, every version received.
* ``/u/<token>`` — a unit's private link: its round, its upload, its own versions only.
"""
from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import actions
from ..errors import NianbaoError
from ..formats import FORMATS
from ..merge.records import STATUSES
from ..messages import say
from . import work
from .web import (DOCX, PDF, XLSX, YEARS, ZIP, Refused, Settings, absolute, archived, base,
                  carried, download, encoded, form, is_coordinator_page, page, session_cookie,
                  upload_of, year_of)

STATUS_WORDS = {s: say(f"merge.status.{s}") for s in STATUSES}


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _store(request: Request) -> Any:
    return request.app.state.store


def _formats() -> list[dict[str, Any]]:
    return [{"id": f.id, "title": f.title, "years": f.years} for f in FORMATS.values()]


# -- the clerk -----------------------------------------------------------------------------------
async def home(request: Request) -> Response:
    return page(request, "clerk.html.j2", default_year=actions.default_year(),
                years=YEARS, formats=_formats())


async def template(request: Request) -> Response:
    q = request.query_params
    year = year_of(q.get("year")) or actions.default_year()
    fmt = q.get("format") or None
    unit = q.get("unit", "")
    data = await run_in_threadpool(work.template, year, unit, fmt)
    name = f"{' '.join(unit.split())[:50] or say('serve.blank_name')}-{year}.xlsx"
    return download(data, actions.display_name(name), XLSX)


async def check_page(request: Request) -> Response:
    settings = _settings(request)
    fields = await form(request, settings)
    upload = await upload_of(fields.get("file"), settings)
    previous = await upload_of(fields.get("previous"), settings, required=False)
    found = await run_in_threadpool(work.check, upload, previous)
    return _result(request, upload, previous, found)


def _result(request: Request, upload: actions.Upload, previous: actions.Upload | None,
            found: Any, *, refusal: Any = None, status: int = 200) -> Response:
    """The check's page; with ``refusal`` (:class:`nianbao.actions.Refusal`) 生成报告's
    refusal, worded by the core.  The force box shows whenever the core would let the report
    be forced and the page's form can send it."""
    settings = _settings(request)
    carry = len(upload.data) * 4 // 3 + len(previous.data if previous else b"") * 4 // 3 \
        < settings.max_upload
    workbook = encoded(upload) if carry and not found.unreadable else ""
    stops = refusal or actions.refusal_of(found)
    return page(request, "result.html.j2", status, file=found.file or upload.name,
                found=found, rows=work.ordered(found), refused=refusal is not None,
                refusal=refusal, forcible=bool(stops and stops.forcible and workbook),
                force_action="",
                dismissed=[dict(f.to_dict(), reason=r) for f, r in found.dismissed],
                workbook=workbook,
                previous_b64=encoded(previous) if carry and previous else "",
                previous_name=previous.name if previous else "")


async def _carried_or_uploaded(request: Request) -> tuple[Any, actions.Upload,
                                                         actions.Upload | None]:
    settings = _settings(request)
    fields = await form(request, settings)
    upload = carried(fields, settings) or await upload_of(fields.get("file"), settings)
    previous = None
    if fields.get("previous_b64"):
        previous = carried({"workbook": fields.get("previous_b64"),
                            "name": fields.get("previous_name")}, settings)
    else:
        previous = await upload_of(fields.get("previous"), settings, required=False)
    return fields, upload, previous


async def mark_page(request: Request) -> Response:
    _, upload, previous = await _carried_or_uploaded(request)
    _, data = await run_in_threadpool(work.marked, upload, previous)
    return download(data, f"{work.stem(upload.name)}-{say('serve.marked_suffix')}.xlsx", XLSX)


async def report_page(request: Request) -> Response:
    settings = _settings(request)
    fields, upload, previous = await _carried_or_uploaded(request)
    want_pdf = fields.get("pdf") == "1"
    force = fields.get("force") == "1"
    done = await run_in_threadpool(lambda: work.report(
        upload, previous, force=force, pdf=want_pdf, data=settings.data,
        pdf_timeout=settings.pdf_timeout))
    if done.refused:
        return _result(request, upload, previous, done.findings, refusal=done.refusal,
                       status=409)
    import base64

    stem = work.stem(upload.name)
    files = [{"name": f"{stem}.docx", "media": DOCX,
              "b64": base64.b64encode(done.docx or b"").decode("ascii")}]
    if done.pdf:
        files.append({"name": f"{stem}.pdf", "media": PDF,
                      "b64": base64.b64encode(done.pdf).decode("ascii")})
    return page(request, "report.html.j2", file=upload.name, files=files, notes=done.notes or [],
                forced=force and done.findings.errors > 0, found=done.findings)


async def dismiss_page(request: Request) -> Response:
    fields, upload, previous = await _carried_or_uploaded(request)
    ids = [str(i) for i in fields.getlist("ids") if str(i)]
    reason = str(fields.get("reason", "") or "").strip()
    if not ids:
        raise Refused(400, "serve.no_ids")
    if not reason:
        raise Refused(400, "serve.no_reason")
    _, data = await run_in_threadpool(work.dismissed, upload, ids, reason, previous)
    return download(data, f"{work.stem(upload.name)}-{say('serve.dismissed_suffix')}.xlsx", XLSX)


async def next_year_page(request: Request) -> Response:
    settings = _settings(request)
    fields = await form(request, settings)
    upload = await upload_of(fields.get("file"), settings)
    ny, data = await run_in_threadpool(work.next_year, upload)
    year = ny.report.meta.year
    return download(data, f"{year}{say('serve.next_name')}.xlsx", XLSX)


# -- the coordinator -----------------------------------------------------------------------------
def _coordinator(request: Request) -> None:
    if not is_coordinator_page(request, _store(request)):
        raise Refused(401, "serve.unauthorized")
    request.state.coordinator = True


async def coordinator(request: Request) -> Response:
    if is_coordinator_page(request, _store(request)):
        return RedirectResponse(f"{base(request)}/rounds", status_code=303)
    return page(request, "login.html.j2")


async def login(request: Request) -> Response:
    fields = await form(request, _settings(request))
    token = str(fields.get("token", "") or "").strip()
    store = _store(request)
    if not await run_in_threadpool(actions.is_coordinator, store, token):
        return page(request, "login.html.j2", 401, error=say("serve.bad_token"))
    session = await run_in_threadpool(actions.open_session, store)
    response = RedirectResponse(f"{base(request)}/rounds", status_code=303)
    session_cookie(request, response, session)
    return response


async def logout(request: Request) -> Response:
    await form(request, _settings(request))
    from .web import SESSION_COOKIE

    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await run_in_threadpool(actions.close_session, _store(request), token)
    response = RedirectResponse(f"{base(request)}/coordinator", status_code=303)
    session_cookie(request, response, None)
    return response


async def rounds_page(request: Request) -> Response:
    _coordinator(request)
    listed = await run_in_threadpool(actions.list_rounds, _store(request))
    return page(request, "rounds.html.j2", rounds=listed, default_year=actions.default_year(),
                years=YEARS, formats=_formats())


async def create_round(request: Request) -> Response:
    _coordinator(request)
    settings = _settings(request)
    fields = await form(request, settings)
    year = year_of(fields.get("year"), required=True)
    units = await upload_of(fields.get("units"), settings)
    fmt = str(fields.get("format", "") or "") or None
    title = str(fields.get("title", "") or "")[:100]
    own = str(fields.get("unit", "") or "")[:100]
    made = await run_in_threadpool(lambda: actions.open_round(
        _store(request), year, units, format_id=fmt, title=title, unit=own))
    links = [{"unit": u, "token": made.links[u.id],
              "url": absolute(request, f"/u/{made.links[u.id]}")} for u in made.units]
    return page(request, "created.html.j2", 201, round=made, links=links,
                format_title=FORMATS[made.format].title)


async def package(request: Request) -> Response:
    """The handed-out workbooks as one .zip; with the links the creation page carried back
    (each checked against its stored hash), a 上传链接.csv as well."""
    _coordinator(request)
    rid = request.path_params["rid"]
    fields = await form(request, _settings(request))
    store = _store(request)
    r = await run_in_threadpool(actions.get_round, store, rid)
    links: dict[str, str] = {}
    for u in r.units:
        token = str(fields.get(f"link_{u.id}", "") or "")
        if token:
            try:
                view = await run_in_threadpool(actions.by_link, store, token)
            except NianbaoError:
                continue
            if view.unit.id == u.id:
                links[u.name] = absolute(request, f"/u/{token}")
    data = await run_in_threadpool(work.handed_out_zip, store, rid, links or None)
    return download(data, f"{r.year}{say('serve.package_name')}.zip", ZIP)


async def workbooks_zip(request: Request) -> Response:
    _coordinator(request)
    rid = request.path_params["rid"]
    r = await run_in_threadpool(actions.get_round, _store(request), rid)
    data = await run_in_threadpool(work.handed_out_zip, _store(request), rid, None)
    return download(data, f"{r.year}{say('serve.package_name')}.zip", ZIP)


async def board_page(request: Request) -> Response:
    _coordinator(request)
    rid = request.path_params["rid"]
    b = await run_in_threadpool(actions.board, _store(request), rid)
    c = b.consolidation
    counts = {s: c.count(s) for s in STATUSES}
    return page(request, "board.html.j2", round=b.round, board=b, units=b.units, counts=counts,
                words=STATUS_WORDS, format_title=FORMATS[b.round.format].title)


async def consolidate_page(request: Request) -> Response:
    _coordinator(request)
    await form(request, _settings(request))
    rid = request.path_params["rid"]
    c, data = await run_in_threadpool(work.consolidated, _store(request), rid)
    return download(data, f"{c.year}{say('round.output_name')}", XLSX)


async def round_unit_page(request: Request) -> Response:
    """Set or correct the round's 本级单位 (the coordinator's own office)."""
    _coordinator(request)
    fields = await form(request, _settings(request))
    rid = request.path_params["rid"]
    own = str(fields.get("unit", "") or "")[:100]
    await run_in_threadpool(actions.set_round_unit, _store(request), rid, own)
    return RedirectResponse(f"{base(request)}/rounds/{rid}", status_code=303)


async def round_report_page(request: Request) -> Response:
    """汇总报告 of a round: its 本级单位 given here (the refusal page's form) is kept first;
    without one the report is refused with the form to give it; a report the core refuses
    shows why, with the force box where forcing is allowed."""
    _coordinator(request)
    fields = await form(request, _settings(request))
    rid = request.path_params["rid"]
    store = _store(request)
    own = " ".join(str(fields.get("unit", "") or "").split())[:100]
    if own:
        await run_in_threadpool(actions.set_round_unit, store, rid, own)
    force = fields.get("force") == "1"
    try:
        done = await run_in_threadpool(lambda: work.consolidated_report(store, rid, force=force))
    except NianbaoError as e:
        if e.code != "round.no_unit":
            raise
        r = await run_in_threadpool(actions.get_round, store, rid)
        return page(request, "round_unit.html.j2", 409, round=r, text=str(e))
    if done.refused:
        return page(request, "result.html.j2", 409, file=say("round.output_name"),
                    found=done.findings, rows=work.ordered(done.findings), refused=True,
                    refusal=done.refusal, forcible=done.refusal.forcible,
                    force_action=f"{base(request)}/rounds/{rid}/report",
                    dismissed=[], workbook="", previous_b64="", previous_name="")
    return download(done.docx or b"", say("round.report_name"), DOCX)


async def reissue(request: Request) -> Response:
    _coordinator(request)
    await form(request, _settings(request))
    rid, uid = request.path_params["rid"], request.path_params["uid"]
    store = _store(request)
    token = await run_in_threadpool(actions.reissue_link, store, rid, uid)
    r = await run_in_threadpool(actions.get_round, store, rid)
    unit = next(u for u in r.units if u.id == uid)
    return page(request, "link.html.j2", round=r, unit=unit,
                url=absolute(request, f"/u/{token}"))


async def revoke(request: Request) -> Response:
    _coordinator(request)
    await form(request, _settings(request))
    rid, uid = request.path_params["rid"], request.path_params["uid"]
    await run_in_threadpool(actions.revoke_link, _store(request), rid, uid)
    return RedirectResponse(f"{base(request)}/rounds/{rid}#u{uid}", status_code=303)


async def round_file(request: Request) -> Response:
    _coordinator(request)
    rid, sha = request.path_params["rid"], request.path_params["sha"]
    return await archived(request, rid, sha, None)


# -- a unit's link -------------------------------------------------------------------------------
async def unit_page(request: Request) -> Response:
    token = request.path_params["token"]
    view = await run_in_threadpool(actions.by_link, _store(request), token)
    return _unit(request, token, view)


def _unit(request: Request, token: str, view: Any, submitted: Any = None,
          status: int = 200) -> Response:
    rows = work.ordered_dict(submitted.findings) if submitted else []
    return page(request, "unit.html.j2", status, token=token, round=view.round, unit=view.unit,
                versions=list(reversed(view.versions)), submitted=submitted, rows=rows,
                format_title=FORMATS[view.round.format].title)


async def unit_upload(request: Request) -> Response:
    """POST to a unit's link: from its page (a form: CSRF checked, a page back) or from a
    script (``Accept: application/json``: the check result as JSON)."""
    token = request.path_params["token"]
    settings = _settings(request)
    store = _store(request)
    view = await run_in_threadpool(actions.by_link, store, token)
    fields = await form(request, settings)
    upload = await upload_of(fields.get("file"), settings)
    submitted = await run_in_threadpool(actions.submit, store, token, upload)
    view = await run_in_threadpool(actions.by_link, store, token)
    return _unit(request, token, view, submitted)


async def unit_template(request: Request) -> Response:
    token = request.path_params["token"]
    store = _store(request)
    view = await run_in_threadpool(actions.by_link, store, token)

    def make() -> bytes:
        with work.scratch() as tmp:
            (path,) = actions.handed_out(store, view.round.id, tmp, unit_id=view.unit.id)
            return path.read_bytes()

    data = await run_in_threadpool(make)
    return download(data, f"{view.unit.name}.xlsx", XLSX)


async def unit_file(request: Request) -> Response:
    token = request.path_params["token"]
    view = await run_in_threadpool(actions.by_link, _store(request), token)
    return await archived(request, view.round.id, request.path_params["sha"], view.unit.id)


async def stylesheet(request: Request) -> Response:
    from .web import css

    return Response(css(), media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})


def routes() -> list[Any]:
    from starlette.routing import Route

    return [
        Route("/", home), Route("/template", template),
        Route("/check", check_page, methods=["POST"]),
        Route("/mark", mark_page, methods=["POST"]),
        Route("/report", report_page, methods=["POST"]),
        Route("/dismiss", dismiss_page, methods=["POST"]),
        Route("/next-year", next_year_page, methods=["POST"]),
        Route("/coordinator", coordinator), Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/rounds", rounds_page), Route("/rounds", create_round, methods=["POST"]),
        Route("/rounds/{rid:int}", board_page),
        Route("/rounds/{rid:int}/package", package, methods=["POST"]),
        Route("/rounds/{rid:int}/workbooks.zip", workbooks_zip),
        Route("/rounds/{rid:int}/consolidate", consolidate_page, methods=["POST"]),
        Route("/rounds/{rid:int}/report", round_report_page, methods=["POST"]),
        Route("/rounds/{rid:int}/unit", round_unit_page, methods=["POST"]),
        Route("/rounds/{rid:int}/units/{uid:int}/link", reissue, methods=["POST"]),
        Route("/rounds/{rid:int}/units/{uid:int}/revoke", revoke, methods=["POST"]),
        Route("/rounds/{rid:int}/files/{sha}", round_file),
        Route("/u/{token}", unit_page),  # its POST: api.unit_router (documented there)
        Route("/u/{token}/template", unit_template),
        Route("/u/{token}/files/{sha}", unit_file),
        Route("/static/nianbao.css", stylesheet),
    ]


__all__ = ["routes", "unit_upload"]
