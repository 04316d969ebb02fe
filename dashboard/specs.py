"""Every URL-bound control, defined once: its widget, its URL form, its default.

A spec renders its widget (bound to the URL, so a link reproduces the state),
checks a raw URL value before Streamlit sees it (so a bad link gives a warning
naming the field, instead of a silent reset), and parses a URL value for a
control a lesson link hides. The sidebar's controls live in ``controls``; a
view declares its own as module-level specs, which ``dashboard.views`` collects
for the link checker and the share link. Pure Python apart from ``render``.

The widget always gets the spec's default: Streamlit leaves a value out of the
URL when it equals *the widget's* default, so the two must be the same for a
URL without that parameter to mean "the default". (A preset sets values through
Session State too; Streamlit then logs once per process that a widget had both.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st


def fmt_number(value) -> str:
    """The URL and label form of a number: 0.05, 200, 1e+06."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _as_number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_number(option) -> bool:
    return isinstance(option, (int, float)) and not isinstance(option, bool)


def _check_text(label: str, raw: str, max_len: int = 400) -> str:
    if len(raw) > max_len or any(ord(c) < 32 for c in raw):
        raise ValueError(f"{label}: the value is too long or holds control characters")
    return raw


@dataclass(frozen=True)
class Choice:
    """One of a list of options (select slider, select box, radio or segmented control).

    ``options=None`` declares a choice whose options depend on the data (an axis, a run):
    they are passed to ``render``, and Streamlit checks a linked value against them.
    """

    key: str
    label: str
    options: Sequence[Any] | None
    default: Any
    help: str
    widget: str = "select_slider"  # or "selectbox", "segmented", "radio"
    fmt: Callable[[Any], str] = fmt_number

    def url_form(self, value) -> str:
        return self.fmt(value)

    def parse(self, raw: str):
        """The option ``raw`` names; ValueError naming the choices otherwise.

        A link may name an option by its label (as the widget writes it) or by its value
        (``slice=eigen``); a number matches by value, so 2.0, 0.50 and 200.0 open 2, 0.5 and 200.
        """
        if self.options is None:
            return _check_text(self.label, raw)
        for spelling in (self.fmt, str):
            for option in self.options:
                if spelling(option) == raw:
                    return option
        number = _as_number(raw)
        if number is not None:
            for option in self.options:
                if _is_number(option) and math.isclose(option, number, rel_tol=1e-12, abs_tol=0.0):
                    return option
        shown = ", ".join(self.fmt(o) for o in self.options[:12])
        more = ", …" if len(self.options) > 12 else ""
        raise ValueError(f"{self.label}: '{raw}' is not one of {shown}{more}")

    def link_form(self, raw: str) -> str:
        """How the widget spells the value ``raw`` names (Streamlit matches the URL text exactly)."""
        return raw if self.options is None else self.url_form(self.parse(raw))

    def render(
        self,
        container=st,
        *,
        options=None,
        default=None,
        fmt=None,
        disabled=False,
        label_visibility="visible",
        help=None,
    ):
        """Draw the widget; ``options``, ``default``, ``fmt`` and ``help`` may depend on the data."""
        options = list(self.options if options is None else options)
        default = self.default if default is None else default
        if default not in options:
            default = options[0]
        if self.key in st.session_state and st.session_state[self.key] not in options:
            del st.session_state[self.key]  # e.g. a batch size the new N no longer allows
        common = {
            "key": self.key,
            "help": (self.help if help is None else help) or None,
            "bind": "query-params",
            "disabled": disabled,
            "label_visibility": label_visibility,
            "format_func": self.fmt if fmt is None else fmt,
        }
        if self.widget in ("selectbox", "radio"):
            extra = {"horizontal": True} if self.widget == "radio" else {}
            return getattr(container, self.widget)(
                self.label, options, index=options.index(default), **extra, **common
            )
        if self.widget == "segmented":
            # required: clicking the active option keeps it (no empty value, in the page or the URL).
            value = container.segmented_control(self.label, options, default=default, required=True, **common)
            return default if value is None else value
        return container.select_slider(self.label, options, value=default, **common)


@dataclass(frozen=True)
class Number:
    """A number in [lo, hi] (slider or number input)."""

    key: str
    label: str
    lo: float
    hi: float
    default: float
    step: float
    help: str
    integer: bool = False
    widget: str = "slider"  # or "number_input"

    def url_form(self, value) -> str:
        """As Streamlit writes it: 3 for a whole number, 0.55 or 2 on a slider, 2.0 in a number box."""
        value = float(value)
        if self.integer or (self.widget == "slider" and value.is_integer()):
            return str(int(value))
        return repr(value)

    def parse(self, raw: str):
        value = _as_number(raw)
        if value is None:
            raise ValueError(f"{self.label}: '{raw}' is not a number")
        if not self.lo <= value <= self.hi:
            raise ValueError(f"{self.label}: {raw} is outside {fmt_number(self.lo)} … {fmt_number(self.hi)}")
        if self.integer:
            if not value.is_integer():
                raise ValueError(f"{self.label}: {raw} is not a whole number")
            return int(value)
        return value

    def link_form(self, raw: str) -> str:
        """Streamlit reads any spelling of a float; a whole number is written as one (200, not 200.0)."""
        value = self.parse(raw)
        return self.url_form(value) if self.integer else raw

    def render(self, container=st, *, hi=None, disabled=False):
        kind = int if self.integer else float
        hi = self.hi if hi is None else hi
        widget = container.number_input if self.widget == "number_input" else container.slider
        return widget(
            self.label,
            min_value=kind(self.lo),
            max_value=kind(hi),
            value=kind(min(self.default, hi)),
            step=kind(self.step),
            key=self.key,
            help=self.help or None,
            bind="query-params",
            disabled=disabled,
        )


@dataclass(frozen=True)
class Flag:
    """On or off (a toggle or a checkbox)."""

    key: str
    label: str
    default: bool
    help: str
    widget: str = "toggle"  # or "checkbox"

    def url_form(self, value) -> str:
        return "true" if value else "false"

    def parse(self, raw: str) -> bool:
        if raw.lower() in ("true", "1", "yes"):
            return True
        if raw.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"{self.label}: '{raw}' is not true or false")

    def link_form(self, raw: str) -> str:
        return self.url_form(self.parse(raw))

    def render(self, container=st, *, disabled=False, on_change=None, args=()):
        widget = container.checkbox if self.widget == "checkbox" else container.toggle
        return widget(
            self.label,
            value=self.default,
            key=self.key,
            help=self.help or None,
            bind="query-params",
            disabled=disabled,
            on_change=on_change,
            args=args,
        )


@dataclass(frozen=True)
class Text:
    """A column name (or comma-separated names) of the loaded table: checked against it once loaded."""

    key: str
    label: str
    default: str
    help: str
    max_len: int = 400

    def url_form(self, value) -> str:
        return ",".join(value) if isinstance(value, (tuple, list)) else str(value)

    def parse(self, raw: str) -> str:
        return _check_text(self.label, raw, self.max_len)

    def link_form(self, raw: str) -> str:
        return raw


@dataclass(frozen=True)
class Vector3:
    """A point of a 3D scene in the link, ``x,y,z`` (the 3D camera): no widget, code writes it.

    ``default`` is a plotly vector ``{"x", "y", "z"}``; the URL keeps six significant digits.
    """

    key: str
    label: str
    default: dict
    help: str = ""
    limit: float = 50.0  # a camera farther out than this (the scene box is ~1) shows a dot
    nonzero: bool = False  # the eye cannot sit at the centre it looks at

    def url_form(self, value) -> str:
        return ",".join(f"{float(value[a]):.6g}" for a in "xyz")

    def parse(self, raw: str) -> dict:
        values = [_as_number(part) for part in raw.split(",")]
        limit = self.limit
        if len(values) != 3 or not all(v is not None and abs(v) <= limit for v in values):
            raise ValueError(f"{self.label}: '{raw}' is not three numbers x,y,z within ±{limit:g}")
        if self.nonzero and not any(values):
            raise ValueError(f"{self.label}: '{raw}' cannot be 0,0,0")
        return dict(zip("xyz", values, strict=True))

    def link_form(self, raw: str) -> str:
        return self.url_form(self.parse(raw))


Spec = Choice | Number | Flag | Text | Vector3
SPEC_TYPES = (Choice, Number, Flag, Text, Vector3)


def specs_in(namespace: dict) -> dict[str, Spec]:
    """The specs in a module's namespace (``vars(module)``), by key: how views make their widgets known."""
    return {v.key: v for v in namespace.values() if isinstance(v, SPEC_TYPES)}
