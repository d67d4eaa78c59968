"""The ASGI application: the pages (:mod:`.pages`), the API (:mod:`.api`), the add-in's static
files, and what wraps them all — the upload size limit, the security headers, Chinese errors.

:func:`create_app` builds it for a :class:`~nianbao.serve.web.Settings`; :func:`from_environment`
is the factory uvicorn's worker processes call (``NIANBAO_SERVE_*`` variables, set by ``nianbao
serve``).  The app holds no state outside its data folder, so any number of worker processes on
one machine share it.
"""
from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__, actions
from ..errors import NianbaoError
from ..messages import say
from . import api, pages, wps
from .web import Refused, Settings, message, problem, status_of

log = logging.getLogger("nianbao.serve")

# No script, no inline style, no frame, no plugin; forms post only here.  The add-in's files
# (/wps/) need their own scripts: they get 'self' for script, and may connect to the nianbao
# server their user set (any http/https address: the user's setting, see addin/wps/js/client.js).
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
CSP_ADDIN = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "connect-src 'self' http: https:; form-action 'self'; frame-ancestors 'self'; "
             "base-uri 'none'; object-src 'none'")
HEADERS = [(b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"),  # unit links carry their token in the URL
           (b"x-frame-options", b"DENY"),
           (b"cross-origin-opener-policy", b"same-origin"),
           (b"cross-origin-resource-policy", b"same-origin"),
           (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
# Where the WPS add-in's files are served from (it is a thin client of the API): the folder
# ``addin/wps/`` of the package (``nianbao.addin``), mounted at /wps/ when it exists.
ADDIN_FOLDER = ("nianbao.addin", "wps")


class TooLarge(Exception):
    pass


class Guard:
    """Outermost: refuse a body over the limit with 413 — from its Content-Length before
    reading any of it, or as soon as the bytes received pass it — and put the security headers
    on every answer."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_body
        length = dict(scope["headers"]).get(b"content-length", b"")
        path = scope.get("path", "")
        root = str(scope.get("root_path", "")).rstrip("/")
        local = path[len(root):] if root and path.startswith(root) else path
        addin = local.startswith("/wps/")
        if length.isdigit() and int(length) > limit:
            await self._too_large(scope, send, addin)
            return
        received = 0
        started = exceeded = False

        async def limited() -> Message:
            nonlocal received, exceeded
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise TooLarge()
            return msg

        async def secured(msg: Message) -> None:
            nonlocal started
            if exceeded:  # the form parser turned our TooLarge into its own error: answer 413
                if msg["type"] == "http.response.start" and not started:
                    started = True
                    await self._too_large(scope, send, addin)
                return
            if msg["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in msg.get("headers", [])
                           if k.lower() != b"content-security-policy"]
                headers += HEADERS
                headers.append((b"content-security-policy",
                                (CSP_ADDIN if addin else CSP).encode()))
                if addin and not any(k.lower() == b"cache-control" for k, _ in headers):
                    # every desk asks again (a 304 while unchanged), so updating the server
                    # updates the add-in everywhere — no browser keeps an old script by heuristics
                    headers.append((b"cache-control", b"no-cache"))
                msg = {**msg, "headers": headers}
            await send(msg)

        try:
            await self.app(scope, limited, secured)
        except Exception as e:  # noqa: BLE001 - the last line: log it, answer in Chinese
            if exceeded:
                if not started:
                    await self._too_large(scope, send, addin)
                return
            log.exception("unhandled error")
            if not started:
                await self._plain(scope, send, 500, say("serve.internal", kind=type(e).__name__))

    async def _too_large(self, scope: Scope, send: Send, addin: bool) -> None:
        text = say("serve.too_large", limit=self.settings.max_upload // (1024 * 1024))
        await self._plain(scope, send, 413, text, code="serve.too_large", close=True)

    async def _plain(self, scope: Scope, send: Send, status: int, text: str, *,
                     code: str = "serve.internal", close: bool = False) -> None:
        import json

        if _wants_json(scope):
            body = json.dumps({"error": code, "message": text}, ensure_ascii=False).encode()
            kind = b"application/json"
        else:
            from html import escape

            body = (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
                    f"<title>{escape(text)}</title><p>{escape(text)}</p></html>").encode()
            kind = b"text/html; charset=utf-8"
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                   (b"content-security-policy", CSP.encode()), *HEADERS]
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _wants_json(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", "")).rstrip("/")
    local = path[len(root):] if root and path.startswith(root) else path
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
    if local.startswith("/api/") or local.startswith("/openapi"):
        return True
    return local.startswith("/u/") and "text/html" not in accept


def _answer(request: Request, status: int, code: str, text: str, **extra: Any) -> Response:
    if _wants_json(request.scope):
        return problem(status, code, text, **extra)
    return message(request, status, text)


def create_app(settings: Settings) -> ASGIApp:
    """The server for ``settings`` (the data folder is made and migrated here)."""
    store = actions.open_store(settings.data)
    if settings.token:  # a token made on first start is made (and shown) by nianbao serve
        actions.coordinator_token(store, settings.token)
    app = FastAPI(title="nianbao 年报", version=__version__, docs_url=None, redoc_url=None,
                  description="政府信息公开工作年度报告：校验、标注、生成年报、收集与汇总。"
                              "与命令行 `nianbao` 调用同一组操作（nianbao.actions）。")
    app.state.settings = settings
    app.state.store = store
    app.include_router(api.router)
    app.include_router(api.unit_router)
    for route in [*pages.routes(), *wps.routes()]:  # before /wps/ is mounted
        app.router.routes.append(route)
    addin = _addin_folder()
    if addin is not None:
        app.mount("/wps", StaticFiles(directory=str(addin), html=True), name="wps")

    @app.exception_handler(Refused)
    async def refused(request: Request, e: Refused) -> Response:
        response = _answer(request, e.status, e.code, e.message)
        if e.status == 401 and _wants_json(request.scope):
            response.headers["www-authenticate"] = "Bearer"
        return response

    @app.exception_handler(NianbaoError)
    async def refused_by_action(request: Request, e: NianbaoError) -> Response:
        return _answer(request, status_of(e), e.code, str(e))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> Response:
        missing = sorted({str(err.get("loc", ["", ""])[-1]) for err in e.errors()})
        text = say("serve.fields", fields="、".join(missing))
        return _answer(request, 422, "serve.fields", text, fields=missing)

    @app.exception_handler(HTTPException)
    async def http(request: Request, e: HTTPException) -> Response:
        code = {404: "serve.not_found", 405: "serve.method"}.get(e.status_code, "serve.bad_form")
        return _answer(request, e.status_code, code, say(code))

    return wps.AddinCors(Guard(app, settings))


def _addin_folder() -> Path | None:
    try:
        folder = resources.files(ADDIN_FOLDER[0]) / ADDIN_FOLDER[1]
    except ModuleNotFoundError:
        return None
    path = Path(str(folder))
    return path if path.is_dir() else None


ENV_DATA, ENV_MAX, ENV_PDF = "NIANBAO_SERVE_DATA", "NIANBAO_SERVE_MAX_UPLOAD", "NIANBAO_SERVE_PDF_TIMEOUT"


def settings_from_environment() -> Settings:
    return Settings(data=Path(os.environ.get(ENV_DATA, "nianbao-data")),
                    max_upload=int(os.environ.get(ENV_MAX, str(20 * 1024 * 1024))),
                    pdf_timeout=float(os.environ.get(ENV_PDF, "60")),
                    token=os.environ.get("NIANBAO_TOKEN") or None)


def from_environment() -> ASGIApp:
    """The app factory of a uvicorn worker process."""
    return create_app(settings_from_environment())


__all__ = ["create_app", "from_environment", "settings_from_environment", "Guard", "CSP"]
