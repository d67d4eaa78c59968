"""``nianbao serve``: the web door for clerks and coordinators — nothing to install on their desks.

One machine in an office (or a city's IT room) runs it; every desk reaches it with a browser, and
the WPS and Excel add-ins call its API.  It calls :mod:`nianbao.actions` only, as the command line
and the add-ins do, and holds no policy of its own.  Needs the ``serve`` extra (FastAPI, uvicorn,
python-multipart), imported only when the server runs: ``nianbao check`` never loads them.

* :mod:`.app` — the ASGI application, its size limit and security headers;
* :mod:`.pages` — the clerk's, the coordinator's and the unit link's pages;
* :mod:`.api` — the JSON API (OpenAPI at ``/openapi.json``);
* :mod:`.work` — an upload through an action, in a private temporary folder;
* :mod:`.web` — what they share: settings, templates, CSRF, authentication, downloads.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

DEFAULT_PORT = 8000


def run(data: str | os.PathLike[str] = "nianbao-data", *, host: str = "127.0.0.1",
        port: int = DEFAULT_PORT, max_upload_mb: float = 20, root_path: str = "",
        workers: int = 1, pdf_timeout: float = 60,
        say_line: Callable[[str], None] = print) -> None:
    """Serve until interrupted.  The data folder is made, migrated and cleaned here, once,
    before any worker starts; a coordinator token is made on first start and shown once
    (``NIANBAO_TOKEN`` sets it instead)."""
    import uvicorn

    from .. import actions
    from ..messages import say
    from .app import ENV_DATA, ENV_MAX, ENV_PDF

    folder = Path(data).resolve()
    store = actions.open_store(folder, clean=True)
    given = os.environ.get("NIANBAO_TOKEN") or None
    made = actions.coordinator_token(store, given)
    if made:
        say_line(say("serve.token_made", token=made))
    elif given:
        say_line(say("serve.token_env"))
    os.environ[ENV_DATA] = str(folder)
    os.environ[ENV_MAX] = str(int(max_upload_mb * 1024 * 1024))
    os.environ[ENV_PDF] = str(pdf_timeout)
    prefix = "/" + root_path.strip("/") if root_path.strip("/") else ""
    say_line(say("serve.listening", host=host, port=port, prefix=prefix, data=folder))
    uvicorn.run("nianbao.serve.app:from_environment", factory=True, host=host, port=port,
                root_path=prefix, workers=workers, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", log_level="warning",
                timeout_graceful_shutdown=10)


__all__ = ["run", "DEFAULT_PORT"]
