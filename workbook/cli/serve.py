"""``nianbao serve [--data DIR] [--host H] [--port P]`` — the web door (:mod:`nianbao.serve`).

Its libraries (the ``serve`` extra) are imported only when this command runs."""
from __future__ import annotations

import click

from ..messages import say
from .terminal import fail


@click.command("serve", help=say("serve.help"))
@click.option("--data", default="nianbao-data", metavar="目录", help=say("serve.opt.data"))
@click.option("--host", default="127.0.0.1", help=say("serve.opt.host"))
@click.option("--port", default=8000, type=click.IntRange(1, 65535), help=say("serve.opt.port"))
@click.option("--max-upload", default=20.0, type=click.FloatRange(0.1, 1024), metavar="大小",
              help=say("serve.opt.max_upload"))
@click.option("--root-path", default="", metavar="/路径前缀", help=say("serve.opt.root_path"))
@click.option("--workers", default=1, type=click.IntRange(1, 64), help=say("serve.opt.workers"))
@click.option("--pdf-timeout", default=60.0, type=click.FloatRange(1, 3600), metavar="秒数",
              help=say("serve.opt.pdf_timeout"))
def serve_command(data: str, host: str, port: int, max_upload: float, root_path: str,
                  workers: int, pdf_timeout: float) -> None:
    try:
        from ..serve import run
        import fastapi  # noqa: F401 - the extra's libraries: say which is missing, plainly
        import multipart  # type: ignore[import-untyped]  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        fail(say("serve.missing_extra", module=e.name or str(e)))
    run(data, host=host, port=port, max_upload_mb=max_upload, root_path=root_path,
        workers=workers, pdf_timeout=pdf_timeout, say_line=click.echo)


__all__ = ["serve_command"]
