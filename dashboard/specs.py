"""Every sidebar control, defined once: its widget, its URL form, its default.

A spec renders its widget (bound to the URL, so a link reproduces the state),
checks a raw URL value before Streamlit sees it (so a bad link gives a warning
naming the field, instead of a silent reset), and parses a URL value for a
control a lesson link hides. Pure Python apart from ``render``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st


def fmt_number(value) -> str:
    """The URL and label form of a number: 0.05, 200, 1e+06."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of options (select slider, select box or segmented control)."""

    key: str
    label: str
    options: Sequence[Any]
    default: Any
    help: str
    widget: str = "select_slider"  # or "selectbox", "segmented", "radio"
    fmt: Callable[[Any], str] = fmt_number

    def url_form(self, value) -> str:
        return self.fmt(value)

    def parse(self, raw: str):
        """The option whose URL form is ``raw``; ValueError naming the choices otherwise."""
        for option in self.options:
            if self.fmt(option) == raw:
                return option
        shown = ", ".join(self.fmt(o) for o in self.options[:12])
        more = ", …" if len(self.options) > 12 else ""
        raise ValueError(f"{self.label}: '{raw}' is not one of {shown}{more}")

    def render(self, container=st, *, options=None, default=None, disabled=False, label_visibility="visible"):
        options = list(self.options if options is None else options)
        default = self.default if default is None else default
        if default not in options:
            default = options[0]
        common = {
            "key": self.key,
            "help": self.help,
            "bind": "query-params",
            "disabled": disabled,
            "label_visibility": label_visibility,
            "format_func": self.fmt,
        }
        # A value set through session state (a preset) must not meet a default argument too.
        preset = self.key in st.session_state
        if preset and st.session_state[self.key] not in options:
            del st.session_state[self.key]  # e.g. a batch size the new N no longer allows
            preset = False
        if self.widget in ("selectbox", "radio"):
            index = {} if preset else {"index": options.index(default)}
            extra = {"horizontal": True} if self.widget == "radio" else {}
            return getattr(container, self.widget)(self.label, options, **index, **extra, **common)
        if self.widget == "segmented":
            value = container.segmented_control(
                self.label, options, **({} if preset else {"default": default}), **common
            )
            return default if value is None else value  # a segmented control can be cleared
        return container.select_slider(
            self.label, options, **({} if preset else {"value": default}), **common
        )


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
        return str(int(value)) if self.integer else repr(float(value))

    def parse(self, raw: str):
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{self.label}: '{raw}' is not a number") from None
        if not math.isfinite(value) or not self.lo <= value <= self.hi:
            raise ValueError(f"{self.label}: {raw} is outside {fmt_number(self.lo)} … {fmt_number(self.hi)}")
        if self.integer:
            if not value.is_integer():
                raise ValueError(f"{self.label}: {raw} is not a whole number")
            return int(value)
        return value

    def render(self, container=st, *, disabled=False):
        kind = int if self.integer else float
        common = {"key": self.key, "help": self.help, "bind": "query-params", "disabled": disabled}
        value = {} if self.key in st.session_state else {"value": kind(self.default)}
        widget = container.number_input if self.widget == "number_input" else container.slider
        return widget(
            self.label,
            min_value=kind(self.lo),
            max_value=kind(self.hi),
            step=kind(self.step),
            **value,
            **common,
        )


@dataclass(frozen=True)
class Flag:
    """On or off (a toggle)."""

    key: str
    label: str
    default: bool
    help: str
    extra: dict = field(default_factory=dict)

    def url_form(self, value) -> str:
        return "true" if value else "false"

    def parse(self, raw: str) -> bool:
        if raw.lower() in ("true", "1", "yes"):
            return True
        if raw.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"{self.label}: '{raw}' is not true or false")

    def render(self, container=st, *, disabled=False):
        value = {} if self.key in st.session_state else {"value": self.default}
        return container.toggle(
            self.label, key=self.key, help=self.help, bind="query-params", disabled=disabled, **value
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
        if len(raw) > self.max_len or any(ord(c) < 32 for c in raw):
            raise ValueError(f"{self.label}: the value is too long or holds control characters")
        return raw


Spec = Choice | Number | Flag | Text
