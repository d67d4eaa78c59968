"""Bounds for the narrative templates an office writes itself.

Jinja2's sandbox keeps a template away from Python's internals, but not from the machine's
memory: ``{{ 'x' * 10**9 }}``, ``{{ '%1000000000d' % 1 }}`` or two nested ``range(100000)``
loops each take gigabytes or hours.  :class:`LimitedSandbox` refuses any single operation whose
result would exceed :data:`MAX_VALUE` characters or items, counts the items ``range`` hands out
in one rendering, and :func:`render_limited` stops a rendering whose text exceeds
:data:`MAX_OUTPUT` characters (a section of the report is a few thousand; a paragraph of
megabytes also makes a .docx Word cannot open).
"""
from __future__ import annotations

import functools
import math
import re
from contextvars import ContextVar
from typing import Any, Mapping

from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from .messages import say

MAX_OUTPUT = 100_000  # characters one part may render to
MAX_VALUE = 100_000  # characters or items one operation may build
MAX_STEPS = 1_000_000  # items ``range`` may hand out in one rendering
MAX_BITS = 4096  # an integer power beyond this is no figure of a report

_steps: ContextVar[list[int] | None] = ContextVar("nianbao_template_steps", default=None)
_WIDTH = re.compile(r"\d{6,}|%[-+ #0]*\*")  # a six-digit field width, or one given as *


class TemplateLimit(Exception):
    """A template tried to build more than the limits allow; ``detail`` says what, ``output``
    whether it was the rendered text as a whole."""

    def __init__(self, detail: str, output: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.output = output


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set)) else 0


def _refuse_large(value: Any) -> Any:
    if _size(value) > MAX_VALUE:
        raise TemplateLimit(say("sandbox.len", limit=MAX_VALUE))
    return value


def _refuse_args(args: tuple, kwargs: Mapping[str, Any]) -> None:
    for a in (*args, *kwargs.values()):
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_VALUE:
            raise TemplateLimit(say("sandbox.number", n=a, limit=MAX_VALUE))
        if isinstance(a, str) and _WIDTH.search(a) and "%" in a:
            raise TemplateLimit(say("sandbox.width"))


class _Counted:
    """A range whose items count against the rendering's :data:`MAX_STEPS`."""

    def __init__(self, items: range) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        steps = _steps.get()
        for item in self.items:
            if steps is not None:
                steps[0] += 1
                if steps[0] > MAX_STEPS:
                    raise TemplateLimit(say("sandbox.range", limit=MAX_STEPS))
            yield item


# filters whose numeric arguments are a size to build: center(10**9), indent(10**9) …
_SIZED_FILTERS = frozenset({"center", "indent", "truncate", "wordwrap", "format", "replace"})


def _limited_filter(name: str, f):
    @functools.wraps(f)  # keeps jinja's pass_context marks
    def run(*args: Any, **kwargs: Any) -> Any:
        # what the template passed, without the context jinja puts first for some filters
        given = [a for a in args if not isinstance(a, (Context, EvalContext))]
        if name in _SIZED_FILTERS:
            _refuse_args(tuple(given), kwargs)
        if name == "replace" and len(given) >= 3 and isinstance(given[0], str):
            value, old, new = given[0], str(given[1]), str(given[2])
            grown = (value.count(old) if old else len(value) + 1) * max(len(new) - len(old), 0)
            if len(value) + grown > MAX_VALUE:
                raise TemplateLimit(say("sandbox.len", limit=MAX_VALUE))
        return _refuse_large(f(*args, **kwargs))

    return run


class LimitedSandbox(SandboxedEnvironment):
    """A sandbox whose operations cannot build values beyond :data:`MAX_VALUE`."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {k: _limited_filter(k, f) for k, f in self.filters.items()}

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if _size(seq) and isinstance(n, int) and _size(seq) * n > MAX_VALUE:
                    raise TemplateLimit(say("sandbox.len", limit=MAX_VALUE))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and right * math.log2(abs(left)) > MAX_BITS:
                raise TemplateLimit(say("sandbox.power", bits=MAX_BITS))
        elif operator == "%" and isinstance(left, str) and _WIDTH.search(left):
            raise TemplateLimit(say("sandbox.width"))
        return _refuse_large(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and re.search(r"\d{6,}", value.__self__):

            def refuse(*args: Any, **kwargs: Any) -> str:  # '{:>1000000000}'.format(1)
                raise TemplateLimit(say("sandbox.width"))

            return refuse
        return wrapped

    def call(__self, __context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if isinstance(getattr(__obj, "__self__", None), str):  # 'x'.ljust(10**9), .zfill …
            _refuse_args(args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, range):
            return _Counted(result)
        return _refuse_large(result)


def render_limited(template, context: Mapping[str, Any]) -> str:
    """``template.render(context)``, stopped with :class:`TemplateLimit` past :data:`MAX_OUTPUT`."""
    token = _steps.set([0])
    try:
        out: list[str] = []
        length = 0
        for piece in template.generate(context):
            length += len(piece)
            if length > MAX_OUTPUT:
                raise TemplateLimit(say("sandbox.len", limit=MAX_OUTPUT), output=True)
            out.append(piece)
        return "".join(out)
    finally:
        _steps.reset(token)


__all__ = ["LimitedSandbox", "TemplateLimit", "render_limited", "MAX_OUTPUT", "MAX_VALUE",
           "MAX_STEPS"]
