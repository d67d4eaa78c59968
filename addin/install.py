"""``nianbao addin install``: the prebuilt add-in into Excel's startup folder, and this Python
into the user's own settings file, so that the add-in runs the Python it was installed with.

The add-in shipped in the wheel (:data:`nianbao.addin.build.PREBUILT_DIR`, built at release)
names no interpreter: it is built once for every desk.  Its VBA reads the interpreter from the
add-in's own sheet, then from ``%USERPROFILE%\\.nianbao\\nianbao.conf`` — the user's own file,
which no workbook can write (xlwings' format: one ``"KEY","value"`` a line, read with VBA's
``Input #`` in the Windows ANSI code page).  Installing records there:

- ``INTERPRETER_WIN``: this ``python.exe`` (a venv's works too);
- ``DLL_DIR``: the folder holding this Python's ``xlwings64-<version>.dll`` (pip puts it in
  ``sys.prefix``, or in the user base for ``pip install --user``), which the worksheet functions
  need and which is on no PATH in a venv.

Other lines of the file (``SERVER_URL`` …) are kept.  Nothing here imports xlwings.
"""
from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path

from ..errors import NianbaoError
from ..fileio import atomic_path

ADDIN_FILE = "nianbao.xlam"
SETTINGS_KEYS = ("INTERPRETER_WIN", "DLL_DIR")


def prebuilt_addin() -> Path:
    """The add-in shipped in the package."""
    from .build import PREBUILT_DIR  # reads no xlwings at import

    return PREBUILT_DIR / ADDIN_FILE


def user_settings_file() -> Path:
    """``%USERPROFILE%\\.nianbao\\nianbao.conf``, as the add-in's VBA finds it."""
    home = os.environ.get("USERPROFILE") or str(Path.home())
    return Path(home) / ".nianbao" / "nianbao.conf"


def xlwings_dll_dir() -> Path | None:
    """The folder of this Python's ``xlwings64-<version>.dll`` (Windows wheels only)."""
    try:
        version = importlib.metadata.version("xlwings")
        files = importlib.metadata.files("xlwings") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.name.lower() == f"xlwings64-{version}.dll":
            found = Path(f.locate()).resolve()
            if found.is_file():
                return found.parent
    return None


def _encoding() -> str:
    # VBA's Input # reads the ANSI code page (cp936 on a Chinese Windows); elsewhere (tests)
    # the file is only read back by Python
    return "mbcs" if sys.platform.startswith("win") else "utf-8"


def record_settings(path: Path, settings: dict[str, str]) -> None:
    """Set ``settings`` in the xlwings-format settings file at ``path``, keeping its other lines."""
    for key, value in settings.items():
        if '"' in value or "\n" in value or "\r" in value:  # Input # cannot read them back
            raise NianbaoError("addin.install.bad_setting", key=key, value=value)
    encoding = _encoding()
    lines: list[str] = []
    if path.exists():
        text = path.read_bytes().decode(encoding, errors="surrogateescape")
        upper = {k.upper() for k in settings}
        for line in text.splitlines():
            key = line.split(",", 1)[0].strip().strip('"').upper()
            if key not in upper and line.strip():
                lines.append(line)
    lines += [f'"{key}","{value}"' for key, value in settings.items()]
    try:
        data = ("\r\n".join(lines) + "\r\n").encode(encoding, errors="surrogateescape")
    except UnicodeEncodeError:  # a path the ANSI code page cannot spell
        raise NianbaoError("addin.install.bad_setting", key=", ".join(settings),
                           value=" ".join(settings.values())) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def read_settings(path: Path) -> dict[str, str]:
    """The settings file as the add-in's VBA reads it: {KEY: value}, the first line of a key."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for line in path.read_bytes().decode(_encoding(), errors="surrogateescape").splitlines():
        key, _, value = line.partition(",")
        key = key.strip().strip('"').upper()
        if key and key not in out:
            out[key] = value.strip().strip('"')
    return out


def install(source: Path, startup: Path, settings_file: Path, python: str,
            dll_dir: Path | None) -> tuple[Path, dict[str, str]]:
    """Copy the add-in ``source`` into ``startup`` and record ``python`` (and ``dll_dir``) in
    ``settings_file``; returns the installed file and what was recorded."""
    if not source.is_file():
        raise NianbaoError("addin.install.missing", file=str(source))
    target = startup / ADDIN_FILE
    with atomic_path(target) as tmp:
        tmp.write_bytes(source.read_bytes())
    # an empty DLL_DIR clears one a former install recorded: the VBA then looks beside python.exe
    settings = {"INTERPRETER_WIN": python, "DLL_DIR": str(dll_dir) if dll_dir else ""}
    record_settings(settings_file, settings)
    return target, settings


__all__ = ["install", "prebuilt_addin", "user_settings_file", "record_settings", "read_settings",
           "xlwings_dll_dir"]
