"""The WPS add-in's side of the server.  The add-in itself is the folder ``addin/wps/`` of the
package, served at ``/wps/`` as it is (:mod:`.app` mounts it); here:

* ``/wps/jsplugins.xml`` — the list IT points every desk's ``oem.ini`` at
  (``JSPluginsServer=…``): one online add-in for WPS 表格 (``type="et"``) at this server's
  ``/wps/``, so updating the server updates every desk;
* ``/wps/install`` — the page that shows IT those lines and one user the entry to add to their
  own ``publish.xml``, with this server's address filled in;
* :class:`AddinCors` — the endpoints the add-in calls answer a page of another origin too (an
  add-in whose user set another nianbao server): ``Access-Control-Allow-Origin: *``, never with
  credentials; they are anonymous and keep nothing.

The painting steps the add-in carries out come with ``/api/check`` (:func:`.work.check_result`).
"""
from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .web import absolute, page

ADDIN_NAME = "nianbao"  # the add-in's name in jsplugins.xml / publish.xml (ASCII, as WPS keys it)
# the endpoints the add-in calls (and the connection check reads /openapi.json)
CORS_PATHS = frozenset({"/api/check", "/api/report", "/api/next-year", "/openapi.json"})
EXPOSED = b"Content-Disposition, X-Nianbao-Notes"
# where each desk keeps its own list of add-ins and where WPS keeps oem.ini (the paths wpsjs,
# Kingsoft's toolkit, writes to; UOS's WPS 专业版 installs under /opt/apps)
PUBLISH_XML = {"Windows": r"%APPDATA%\kingsoft\wps\jsaddons\publish.xml",
               "Linux": "~/.local/share/Kingsoft/wps/jsaddons/publish.xml"}
OEM_INI = {"Windows": r"<WPS 安装目录>\<版本号>\office6\cfgs\oem.ini",
           "Linux": "/opt/kingsoft/wps-office/office6/cfgs/oem.ini",
           "统信 UOS（WPS 专业版）":
               "/opt/apps/cn.wps.wps-office-pro/files/kingsoft/wps-office/office6/cfgs/oem.ini"}


def addin_url(request: Request) -> str:
    """The add-in's address on this server, as WPS must be given it (ending in ``/``)."""
    return absolute(request, "/wps/")


def jsplugins_xml(url: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<jsplugins>\n'
            f'  <jspluginonline name="{ADDIN_NAME}" type="et" url={quoteattr(url)}/>\n'
            '</jsplugins>\n')


def publish_entry(url: str) -> str:
    """The line one user adds inside ``<jsplugins>`` of their publish.xml."""
    return (f'<jspluginonline name="{ADDIN_NAME}" type="et" url={quoteattr(url)} '
            'enable="enable_dev" install="null"/>')


def publish_xml(url: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<jsplugins>\n  '
            + publish_entry(url) + '\n</jsplugins>\n')


def oem_ini(url: str) -> str:
    return f"[Support]\nJsApiPlugin=true\n\n[Server]\nJSPluginsServer={url}jsplugins.xml\n"


async def jsplugins(request: Request) -> Response:
    return Response(jsplugins_xml(addin_url(request)), media_type="application/xml")


async def install(request: Request) -> Response:
    url = addin_url(request)
    return page(request, "wps.html.j2", url=url, jsplugins_url=url + "jsplugins.xml",
                oem_ini=oem_ini(url), publish_xml=publish_xml(url),
                publish_entry=publish_entry(url), publish_paths=PUBLISH_XML, oem_paths=OEM_INI)


def routes() -> list[Any]:
    """Routed before the add-in's folder is mounted at /wps/."""
    return [Route("/wps/jsplugins.xml", jsplugins), Route("/wps/install", install)]


class AddinCors:
    """``Access-Control-Allow-Origin: *`` on the add-in's endpoints (:data:`CORS_PATHS`), outermost
    so the server's own refusals (413) reach a page of another origin too.  Simple requests
    only (a form upload, a GET): nothing asks for credentials or custom headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _local(scope) not in CORS_PATHS:
            await self.app(scope, receive, send)
            return

        async def allowed(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = [(k, v) for k, v in msg.get("headers", [])
                           if not k.lower().startswith(b"access-control-")]
                headers += [(b"access-control-allow-origin", b"*"),
                            (b"access-control-expose-headers", EXPOSED)]
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, allowed)


def _local(scope: Scope) -> str:
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", "")).rstrip("/")
    return path[len(root):] if root and path.startswith(root) else path


__all__ = ["routes", "AddinCors", "jsplugins_xml", "publish_entry", "publish_xml", "oem_ini",
           "addin_url", "ADDIN_NAME"]
