"""What every page and API call of the server shares: the settings, the page templates, the
CSRF check of forms, coordinator authentication, reading uploads and sending files back.

Security, in one place:

* **Forms** carry a CSRF token that must equal the ``nb_csrf`` cookie (``SameSite=Strict``,
  ``HttpOnly``; compared in constant time); a request the browser marks as cross-site
  (``Sec-Fetch-Site``) is refused as well.
* **Coordinator**: ``Authorization: Bearer <token>`` for the API, a session cookie for the pages
  (made by logging in with the token); tokens are kept only as their SHA-256 and compared in
  constant time (:mod:`nianbao.actions.rounds`).
* **Uploads** are bytes in memory; a sender's file name is only ever shown.  Files sent back are
  attachments with a name of ours (``filename*`` for the Chinese one) and ``nosniff``: nothing
  received is rendered as a page.
* **Pages** are rendered by a sandboxed Jinja2 with autoescaping, under a Content-Security-Policy
  that allows no script, no inline style, no frame and forms only to this server
  (:mod:`nianbao.serve.app`).
"""
from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, overload
from urllib.parse import quote

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from starlette.datastructures import UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from .. import actions
from ..errors import NianbaoError, UnreadableWorkbook
from ..layout import layout_of
from ..messages import say

CSRF_COOKIE, SESSION_COOKIE = "nb_csrf", "nb_session"
_BOUNDS = layout_of("2021").fields["meta.year"].bounds
assert _BOUNDS is not None  # the year is a declared whole number with bounds
YEARS: tuple[int, int] = _BOUNDS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF, ZIP = "application/pdf", "application/zip"


@dataclass(frozen=True)
class Settings:
    data: Path
    max_upload: int = 20 * 1024 * 1024  # bytes, one file
    pdf_timeout: float = 60.0
    token: str | None = None  # NIANBAO_TOKEN

    @property
    def max_body(self) -> int:
        """A whole request: the upload and the form around it (last year's file, fields)."""
        return self.max_upload + 1024 * 1024


class Refused(Exception):
    """An HTTP answer other than 200 with one Chinese message (``code``: a catalogue key)."""

    def __init__(self, status: int, code: str, **args: Any) -> None:
        self.status, self.code = status, code
        self.message = say(code, **args)
        super().__init__(self.message)


# -- the page templates --------------------------------------------------------------------------
def _environment() -> SandboxedEnvironment:
    folder = resources.files("nianbao.templates") / "serve"
    env = SandboxedEnvironment(loader=FileSystemLoader(str(folder)), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["say"] = say
    return env


ENV = _environment()


def css() -> bytes:
    return (resources.files("nianbao.templates") / "serve" / "nianbao.css").read_bytes()


def base(request: Request) -> str:
    """The path prefix the server is mounted under (``--root-path``), without a final slash."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def absolute(request: Request, path: str) -> str:
    """An absolute URL of ``path`` (which starts with ``/``) on this server."""
    return str(request.base_url).rstrip("/") + path


def csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE, "")
    if not token or len(token) > 100:
        token = getattr(request.state, "new_csrf", "") or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the CSRF cookie its forms need."""
    html = ENV.get_template(template).render(
        base=base(request), csrf=csrf_token(request),
        coordinator=bool(getattr(request.state, "coordinator", False)), **context)
    response = HTMLResponse(html, status_code=status)
    new = getattr(request.state, "new_csrf", "")
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict",
                            secure=_secure(request), path=base(request) or "/")
    return response


def message(request: Request, status: int, text: str, *, title: str | None = None,
            back: str | None = None) -> HTMLResponse:
    return page(request, "message.html.j2", status, title=title or say("serve.page.problem"),
                text=text, back=back)


# -- forms ---------------------------------------------------------------------------------------
async def form(request: Request, settings: Settings) -> Any:
    """The posted form of a page, its CSRF token checked."""
    try:
        data = await request.form(max_files=4, max_fields=1000,
                                  max_part_size=settings.max_body)
    except Exception:  # noqa: BLE001 - python-multipart's many parse errors: one message
        raise Refused(400, "serve.bad_form") from None
    sent = str(data.get("csrf", ""))
    cookie = request.cookies.get(CSRF_COOKIE, "")
    site = request.headers.get("sec-fetch-site", "")
    if (not cookie or not sent or site == "cross-site"
            or not hmac.compare_digest(cookie.encode(), sent.encode())):
        raise Refused(403, "serve.csrf")
    return data


@overload
async def upload_of(value: Any, settings: Settings, *,
                    required: Literal[True] = ...) -> actions.Upload: ...
@overload
async def upload_of(value: Any, settings: Settings, *,
                    required: Literal[False]) -> actions.Upload | None: ...
async def upload_of(value: Any, settings: Settings, *, required: bool = True
                    ) -> actions.Upload | None:
    """The bytes and name of a file field (None when empty and not required)."""
    if not isinstance(value, UploadFile) or not value.filename:
        if required:
            raise Refused(400, "serve.no_file")
        return None
    data = await value.read(settings.max_upload + 1)
    if len(data) > settings.max_upload:
        raise Refused(413, "serve.too_large", limit=settings.max_upload // (1024 * 1024))
    if not data:
        if required:
            raise Refused(400, "serve.empty_file")
        return None
    return actions.Upload(actions.display_name(value.filename), data)


def carried(fields: Any, settings: Settings) -> actions.Upload | None:
    """The workbook a result page carries back in its form (``workbook``: base64, ``name``),
    so that 标注 / 生成报告 / 复核 need no second upload and the server keeps nothing."""
    text = str(fields.get("workbook", "") or "")
    if not text:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(400, "serve.bad_form") from None
    if len(data) > settings.max_upload:
        raise Refused(413, "serve.too_large", limit=settings.max_upload // (1024 * 1024))
    return actions.Upload(actions.display_name(str(fields.get("name", "") or "")), data)


def encoded(upload: actions.Upload | None) -> str:
    return base64.b64encode(upload.data).decode("ascii") if upload else ""


# -- answers -------------------------------------------------------------------------------------
def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the real (Chinese) name as ``filename*``."""
    suffix = Path(filename).suffix
    fallback = "nianbao" + (suffix if suffix.isascii() and len(suffix) <= 6 else "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(data: bytes, filename: str, media: str, status: int = 200,
             headers: dict[str, str] | None = None) -> Response:
    return Response(data, status_code=status, media_type=media,
                    headers={"Content-Disposition": content_disposition(filename),
                             "Cache-Control": "no-store", **(headers or {})})


def problem(status: int, code: str, text: str, **extra: Any) -> JSONResponse:
    """An API error: ``{"error": code, "message": 中文}``."""
    return JSONResponse({"error": code, "message": text, **extra}, status_code=status)


def status_of(e: NianbaoError) -> int:
    """The HTTP status of an action's refusal: 503 a busy database, 422 an unreadable file, 400
    the rest (a bad year, an unknown id, …)."""
    if e.code == "history.locked":
        return 503
    if e.code.startswith("round.link_unknown"):
        return 404
    if e.code in ("round.unknown", "round.unknown_unit", "round.no_file"):
        return 404
    if e.code == "round.archive_changed":  # the server's own store is at fault, not the request
        return 500
    if isinstance(e, UnreadableWorkbook) or e.code.startswith("file.") \
            or e.code == "serve.unreadable":
        return 422
    return 400


# -- the coordinator -----------------------------------------------------------------------------
def year_of(text: Any, *, required: bool = False) -> int | None:
    text = str(text or "").strip()
    if not text:
        if required:
            raise Refused(400, "serve.bad_year", lo=YEARS[0], hi=YEARS[1])
        return None
    if not text.isdigit() or not YEARS[0] <= int(text) <= YEARS[1]:
        raise Refused(400, "serve.bad_year", lo=YEARS[0], hi=YEARS[1])
    return int(text)


async def archived(request: Request, rid: int, sha: str, unit_id: int | None) -> Response:
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise Refused(404, "round.no_file")
    data, suffix = await run_in_threadpool(actions.archived, request.app.state.store, rid, sha,
                                           unit_id)
    # served as bytes to save, never as something a browser would show or run
    return download(data, f"{sha[:12]}{suffix}", "application/octet-stream")


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def is_coordinator_page(request: Request, store: Any) -> bool:
    token = request.cookies.get(SESSION_COOKIE, "")
    return bool(token) and actions.is_session(store, token)


def session_cookie(request: Request, response: Response, token: str | None) -> None:
    if token is None:
        response.delete_cookie(SESSION_COOKIE, path=base(request) or "/")
    else:
        response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                            secure=_secure(request), path=base(request) or "/",
                            max_age=12 * 3600)


__all__ = ["Settings", "Refused", "ENV", "page", "message", "form", "upload_of", "carried",
           "encoded", "download", "problem", "status_of", "bearer", "is_coordinator_page",
           "session_cookie", "base", "absolute", "csrf_token", "css", "XLSX", "DOCX", "PDF",
           "ZIP"]
