"""The JSON API — what the WPS add-in, the Excel add-in's server mode and scripts call; its
OpenAPI description is served at ``/openapi.json``.

``POST /api/check`` answers exactly the object ``nianbao check --json`` prints for the file
(``Findings.to_dict()``), plus ``"plan"``: the marking plan (``nianbao.plan_marks``, serialised
by ``MarkPlan.to_dict()``).  An unreadable upload is such an object with its ``file.*`` finding,
not an error.  Errors of the API are ``{"error": code, "message": 中文}`` with a 4xx status.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from .. import actions
from ..messages import say
from . import work
from .pages import unit_upload
from .web import (DOCX, PDF, XLSX, ZIP, Refused, Settings, absolute, archived, bearer, download,
                  upload_of, wants_html, year_of)

router = APIRouter(prefix="/api")

_FILE = "年报工作簿（.xlsx）"
_PREVIOUS = "上年度的年报工作簿或已发布的年报（.docx/.pdf/.html/.txt），用于跨年度核对"
# FastAPI's ``responses=`` (the OpenAPI description of each status code)
Responses = dict[int | str, dict[str, Any]]
_ERRORS: Responses = {
    413: {"description": "上传的文件超过大小上限"},
    422: {"description": "文件无法读取，或表单缺少字段：{\"error\", \"message\"}"},
}
_XLSX_OK: Responses = {200: {"content": {XLSX: {}}, "description": "工作簿"}}


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _store(request: Request) -> Any:
    return request.app.state.store


async def _files(request: Request, file: UploadFile | None, previous: UploadFile | None
                 ) -> tuple[actions.Upload, actions.Upload | None]:
    settings = _settings(request)
    upload = await upload_of(file, settings)
    prev = await upload_of(previous, settings, required=False)
    assert upload is not None
    return upload, prev


@router.post("/check", summary="校验一个工作簿",
             description="与 `nianbao check --json` 对这一个文件输出的对象完全相同，另加 `plan`："
                         "标注方案（要标色的单元格、颜色与批注，「校验结果」各行）。无法读取的文件也是"
                         "一个结果（含一条 `file.*` 错误），不是出错。`format=vba` 为供 Excel "
                         "加载项 VBA 解析的纯文本（尚未提供时为 501）。",
             responses={200: {"description": "校验结果"}, **_ERRORS})
async def check(request: Request,
                file: Annotated[UploadFile, File(description=_FILE)],
                previous: Annotated[UploadFile | None, File(description=_PREVIOUS)] = None,
                format: Annotated[Literal["json", "vba"], Query(description="json 或 vba")] = "json"
                ) -> Any:
    upload, prev = await _files(request, file, previous)
    found = await run_in_threadpool(work.check, upload, prev)
    if format == "vba":
        return _vba_job(found, upload.name, "check")
    return await run_in_threadpool(work.check_result, found)


def _vba_job(found: Any, name: str, purpose: str, status: int = 200) -> Response:
    """The painting steps as the Excel add-in's VBA reads them (:mod:`nianbao.addin_marks`):
    7-bit ASCII lines; an upload that is no nianbao workbook is the usual JSON error."""
    from ..addin_marks import dump_job, job_for

    if found.unreadable:
        first = found.findings[0]
        return JSONResponse({"error": first.rule, "message": first.message}, status_code=422)
    return Response(dump_job(job_for(found, name, purpose)), status_code=status,
                    media_type="text/plain; charset=us-ascii")


@router.post("/mark", summary="标注副本", response_class=Response,
             description="与 `nianbao check --mark` 相同：有问题的单元格标色并加批注，另加「校验结果」表。",
             responses={**_XLSX_OK, **_ERRORS})
async def mark(request: Request,
               file: Annotated[UploadFile, File(description=_FILE)],
               previous: Annotated[UploadFile | None, File(description=_PREVIOUS)] = None
               ) -> Response:
    upload, prev = await _files(request, file, previous)
    _, data = await run_in_threadpool(work.marked, upload, prev)
    return download(data, f"{work.stem(upload.name)}-{say('serve.marked_suffix')}.xlsx", XLSX)


@router.post("/report", summary="生成年报", response_class=Response,
             description="与 `nianbao report` 相同：先校验，有错误（或整张表未填写）时不生成，"
                         "返回 409 和校验结果"
                         "（`force=1` 时照样生成，同 `--force`）。`format=pdf` 返回 PDF（服务器装有 "
                         "LibreOffice 时；正式字体缺失等说明在响应头 `X-Nianbao-Notes`，URL 编码）。",
             responses={200: {"content": {DOCX: {}, PDF: {}}, "description": "Word 或 PDF"},
                        409: {"description": "有错误或整张未填写的表，未生成：校验结果（同 "
                                              "/api/check），另有 `refusal`：`count`、`errors`、"
                                              "`blank_tables`、`forcible`（可用 force=1 照样生成）"
                                              "与 `text`（各端显示的拒绝说明）"},
                        **_ERRORS})
async def report(request: Request,
                 file: Annotated[UploadFile, File(description=_FILE)],
                 previous: Annotated[UploadFile | None, File(description=_PREVIOUS)] = None,
                 force: Annotated[bool, Form(description="有错误也生成")] = False,
                 format: Annotated[Literal["docx", "pdf"], Form(description="docx 或 pdf")] = "docx",
                 reply: Annotated[Literal["json", "vba"], Query(
                     alias="format", description="有错误时的答复：json，或 Excel 加载项读的 vba")] = "json"
                 ) -> Response:
    from urllib.parse import quote

    settings = _settings(request)
    upload, prev = await _files(request, file, previous)
    done = await run_in_threadpool(lambda: work.report(
        upload, prev, force=force, pdf=format == "pdf", data=settings.data,
        pdf_timeout=settings.pdf_timeout))
    if done.refused:
        if reply == "vba":
            return _vba_job(done.findings, upload.name, "report", status=409)
        body = work.check_result(done.findings)
        # what the core decided (actions.Refusal): the add-ins show its text, never their own
        body["refusal"] = done.refusal.to_dict() if done.refusal else None
        return JSONResponse(body, status_code=409)
    notes = done.notes or []
    headers = {"X-Nianbao-Notes": quote("\n".join(notes))} if notes else {}
    stem = work.stem(upload.name)
    if format == "pdf":
        if done.pdf is None:
            return JSONResponse({"error": "serve.no_pdf", "message": "\n".join(notes)},
                                status_code=503)
        return download(done.pdf, f"{stem}.pdf", PDF, headers=headers)
    return download(done.docx or b"", f"{stem}.docx", DOCX, headers=headers)


@router.post("/dismiss", summary="标为已复核", response_class=Response,
             description="与 `nianbao dismiss` 相同：把所列编号（或规则代码）的警告、提示标为已复核，"
                         "理由记在工作簿中；`all=1` 为全部警告和提示。错误不能标记。",
             responses={**_XLSX_OK, **_ERRORS})
async def dismiss(request: Request,
                  file: Annotated[UploadFile, File(description=_FILE)],
                  reason: Annotated[str, Form(description="不再提示的理由")],
                  ids: Annotated[list[str], Form(description="问题编号或规则代码")] = [],  # noqa: B006
                  all: Annotated[bool, Form(description="全部警告和提示")] = False,
                  previous: Annotated[UploadFile | None, File(description=_PREVIOUS)] = None
                  ) -> Response:
    upload, prev = await _files(request, file, previous)
    _, data = await run_in_threadpool(lambda: work.dismissed(upload, ids, reason, prev,
                                                             everything=all))
    return download(data, f"{work.stem(upload.name)}-{say('serve.dismissed_suffix')}.xlsx", XLSX)


@router.post("/next-year", summary="接续上年", response_class=Response,
             description="与 `nianbao new --from` 相同：由上年的工作簿或已发布的年报生成本年度工作簿。",
             responses={**_XLSX_OK, **_ERRORS})
async def next_year(request: Request,
                    file: Annotated[UploadFile, File(description="上年的工作簿或已发布的年报")]
                    ) -> Response:
    upload, _ = await _files(request, file, None)
    ny, data = await run_in_threadpool(work.next_year, upload)
    return download(data, f"{ny.report.meta.year}{say('serve.next_name')}.xlsx", XLSX)


@router.get("/template", summary="空白模板", response_class=Response,
            description="与 `nianbao new` 相同：格式由年度决定（2020 年度及以前 2019 版，其后 2021 版）。",
            responses={**_XLSX_OK, 400: {"description": "年度与格式不符等"}})
async def template(year: Annotated[int | None, Query(description="报告年度，默认上一年")] = None,
                   unit: Annotated[str, Query(description="填报单位")] = "",
                   format: Annotated[str | None, Query(description="2019 或 2021")] = None
                   ) -> Response:
    year = year_of(year) or actions.default_year()
    data = await run_in_threadpool(work.template, year, unit, format or None)
    name = f"{' '.join(unit.split())[:50] or say('serve.blank_name')}-{year}.xlsx"
    return download(data, actions.display_name(name), XLSX)


# -- the coordinator -----------------------------------------------------------------------------
async def coordinator(request: Request) -> None:
    """``Authorization: Bearer <汇总管理口令>``; 401 otherwise."""
    token = bearer(request)
    if not token or not await run_in_threadpool(actions.is_coordinator, _store(request), token):
        raise Refused(401, "serve.unauthorized")


Coordinator = Depends(coordinator)
_AUTH: Responses = {401: {"description": "缺少或不正确的汇总管理口令"}}


@router.get("/rounds", summary="收集批次列表", dependencies=[Coordinator], responses=_AUTH)
async def list_rounds(request: Request) -> Any:
    return await run_in_threadpool(actions.list_rounds, _store(request))


@router.post("/rounds", summary="新建收集批次", status_code=201, dependencies=[Coordinator],
             description="年度由汇总单位给定（格式随年度），单位名单同 `nianbao new --units`（.xlsx/.csv）。"
                         "每个单位一个上传链接（只在此时给出一次，库中只存其摘要）。",
             responses={**_AUTH, **_ERRORS})
async def create_round(request: Request,
                       units: Annotated[UploadFile, File(description="单位名单（.xlsx/.csv）")],
                       year: Annotated[int, Form(description="报告年度")],
                       format: Annotated[str | None, Form(description="2019 或 2021，默认随年度")] = None,
                       title: Annotated[str, Form(description="批次名称")] = "",
                       unit: Annotated[str, Form(description="本级单位：汇总报告的填报单位")] = ""
                       ) -> Any:
    settings = _settings(request)
    listed = await upload_of(units, settings)
    made = await run_in_threadpool(lambda: actions.open_round(
        _store(request), year_of(year, required=True) or year, listed, format_id=format or None,
        title=title[:100], unit=unit[:100]))
    return {"id": made.id, "year": made.year, "format": made.format, "title": made.title,
            "unit": made.unit or None,
            "units": [{"id": u.id, "name": u.name, "code": u.code or None,
                       "parent": u.parent or None,
                       "upload_url": absolute(request, f"/u/{made.links[u.id]}")}
                      for u in made.units]}


@router.get("/rounds/{rid}", summary="报送情况", dependencies=[Coordinator],
            description="形同 `nianbao merge --json`：每个单位的状态（merged / invalid / superseded / "
                        "rejected / missing，由 merge 的同一判断得出）、原因、错误与警告数；另有 `round`，"
                        "各行的 `contact`、`findings`（该文件的错误）与 `feedback`（退回说明）。",
            responses={**_AUTH, 404: {"description": "没有这个批次"}})
async def board(request: Request, rid: int) -> Any:
    b = await run_in_threadpool(actions.board, _store(request), rid)
    return b.to_dict()


@router.post("/rounds/{rid}/unit", summary="填写或修改本级单位", dependencies=[Coordinator],
             description="本级单位是汇总工作簿和汇总报告的填报单位（汇总单位自己的名称）。",
             responses={**_AUTH, 404: {"description": "没有这个批次"}})
async def round_unit(request: Request, rid: int,
                     unit: Annotated[str, Form(description="本级单位")]) -> Any:
    r = await run_in_threadpool(actions.set_round_unit, _store(request), rid, unit[:100])
    return {"id": r.id, "unit": r.unit or None}


@router.get("/rounds/{rid}/versions", summary="收到的全部版本", dependencies=[Coordinator],
            responses={**_AUTH, 404: {"description": "没有这个批次"}})
async def versions(request: Request, rid: int) -> Any:
    await run_in_threadpool(actions.get_round, _store(request), rid)
    return await run_in_threadpool(actions.versions, _store(request), rid)


@router.post("/rounds/{rid}/consolidate", summary="汇总", response_class=Response,
             dependencies=[Coordinator], description="与 `nianbao merge` 相同，返回 汇总.xlsx。",
             responses={**_XLSX_OK, **_AUTH, 400: {"description": "还没有可汇总的工作簿"}})
async def consolidate(request: Request, rid: int) -> Response:
    c, data = await run_in_threadpool(work.consolidated, _store(request), rid)
    return download(data, f"{c.year}{say('round.output_name')}", XLSX)


@router.get("/rounds/{rid}/workbooks.zip", summary="分发用的空白工作簿（.zip）",
            response_class=Response, dependencies=[Coordinator],
            responses={200: {"content": {ZIP: {}}, "description": "每个单位一份"}, **_AUTH})
async def workbooks(request: Request, rid: int) -> Response:
    r = await run_in_threadpool(actions.get_round, _store(request), rid)
    data = await run_in_threadpool(work.handed_out_zip, _store(request), rid, None)
    return download(data, f"{r.year}{say('serve.package_name')}.zip", ZIP)


@router.post("/rounds/{rid}/units/{uid}/link", summary="重新生成上传链接",
             dependencies=[Coordinator], responses=_AUTH,
             description="原链接随即失效；新链接只在此时给出一次。")
async def reissue(request: Request, rid: int, uid: int) -> Any:
    token = await run_in_threadpool(actions.reissue_link, _store(request), rid, uid)
    return {"upload_url": absolute(request, f"/u/{token}")}


@router.delete("/rounds/{rid}/units/{uid}/link", summary="撤销上传链接", status_code=204,
               dependencies=[Coordinator], responses=_AUTH)
async def revoke(request: Request, rid: int, uid: int) -> Response:
    await run_in_threadpool(actions.revoke_link, _store(request), rid, uid)
    return Response(status_code=204)


@router.get("/rounds/{rid}/files/{sha256}", summary="下载收到的某一版本", response_class=Response,
            dependencies=[Coordinator], responses={**_AUTH, 404: {"description": "没有这个文件"}})
async def round_file(request: Request, rid: int, sha256: str) -> Response:
    return await archived(request, rid, sha256, None)


# -- a unit's link (documented here; served at /u/{token}) ---------------------------------------
unit_router = APIRouter()


@unit_router.post("/u/{token}", summary="单位报送（上传链接）",
                  description="`upload_url` 即此地址。返回该文件的校验结果（同 /api/check 的对象，"
                              "不含 plan），另有 `accepted`、`reason`（未被本批次接受的原因）、"
                              "`submission`、`sha256`、`received`。浏览器表单提交时返回网页。",
                  responses={404: {"description": "链接无效或已被撤销"}, **_ERRORS})
async def unit_upload_doc(request: Request, token: str,
                          file: Annotated[UploadFile, File(description=_FILE)]) -> Any:
    if wants_html(request):
        return await unit_upload(request)
    return await unit_upload_json(request)


async def unit_upload_json(request: Request) -> Response:
    settings = _settings(request)
    token = request.path_params["token"]
    store = _store(request)
    await run_in_threadpool(actions.by_link, store, token)  # 404 before reading the upload
    try:
        fields = await request.form(max_files=2, max_fields=20, max_part_size=settings.max_body)
    except Exception:  # noqa: BLE001 - python-multipart's parse errors: one message
        raise Refused(400, "serve.bad_form") from None
    upload = await upload_of(fields.get("file"), settings)
    submitted = await run_in_threadpool(actions.submit, store, token, upload)
    return JSONResponse(submitted.to_dict())


__all__ = ["router", "unit_router", "unit_upload_json"]
