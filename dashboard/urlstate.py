"""The app's state in its URL: checking a link, lesson links, sharing, presets.

Controls are bound to URL parameters (``bind="query-params"``), so a link
reproduces every control. Streamlit silently resets a bound control whose URL
value it cannot use; ``check_link`` looks first, so the user is told which
field was wrong and that its default is used instead.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from .controls import ALL_SPECS, GROUPS
from .presets import PRESETS, VIEW_WIDGETS
from .specs import Choice, Spec

LESSON, HIDE, PRESET = "lesson", "hide", "preset"
WARNINGS = "_url_warnings"
APPLIED = "_applied_preset"
LINKED = "_linked_values"  # values of hidden controls, read once from the link


def check_link(specs: dict[str, Spec], view_params: frozenset[str] = frozenset()) -> list[str]:
    """Drop every URL parameter the app cannot use; return one warning per dropped field.

    ``view_params`` are the views' own bound widgets: Streamlit checks those against
    their widget when the view draws, so they are only let through here.
    """
    warnings = []
    for key in list(st.query_params):
        raw = st.query_params.get(key)
        if key in (LESSON, HIDE) or key in view_params:
            continue
        if key == PRESET:
            if raw not in PRESETS:
                warnings.append(f"Preset '{raw}' does not exist; choose one from the Presets list.")
                del st.query_params[key]
            continue
        spec = specs.get(key)
        if spec is None:
            warnings.append(f"Ignored the unknown link parameter '{key}'.")
            del st.query_params[key]
            continue
        try:
            spec.parse(raw)
        except ValueError as exc:
            default = spec.url_form(spec.default)
            warnings.append(f"The link's value for {exc}; using the default {default} instead.")
            del st.query_params[key]
            st.session_state.pop(key, None)
    return warnings


def remember_warnings(new: list[str]) -> list[str]:
    """Keep a link's warnings on screen for the session, until dismissed."""
    kept = st.session_state.setdefault(WARNINGS, [])
    kept.extend(w for w in new if w not in kept)
    return kept


def dismiss_warnings() -> None:
    st.session_state[WARNINGS] = []


def hidden_keys() -> frozenset[str]:
    """Controls a lesson link hides: ``?lesson=1&hide=data,r1_lr`` (groups or keys)."""
    if st.query_params.get(LESSON) not in ("1", "true"):
        return frozenset()
    names = [n.strip() for n in st.query_params.get(HIDE, "").split(",") if n.strip()]
    keys: set[str] = set()
    for name in names:
        keys.update(GROUPS.get(name, (name,) if name in ALL_SPECS else ()))
    return frozenset(keys)


def linked_value(spec: Spec):
    """A hidden control's value: from the link (kept for the session), else its default."""
    linked = st.session_state.setdefault(LINKED, {})
    if spec.key not in linked:
        raw = st.query_params.get(spec.key)
        linked[spec.key] = spec.default if raw is None else spec.parse(raw)
    return linked[spec.key]


def current_value(spec: Spec):
    if spec.key in st.session_state.get(LINKED, {}):
        return st.session_state[LINKED][spec.key]
    return st.session_state.get(spec.key, spec.default)


def share_params(
    *, view: str | None, hide: tuple[str, ...] = (), view_params: frozenset[str] = frozenset()
) -> dict[str, str]:
    """URL parameters reproducing the current state: every control that differs from its default."""
    params = {}
    for key, spec in ALL_SPECS.items():
        value = current_value(spec)
        if value != spec.default:
            params[key] = spec.url_form(value)
    for key in sorted(view_params & set(st.query_params)):  # the views' widgets, as Streamlit wrote them
        params[key] = st.query_params[key]
    if view and view != "Landscape":
        params["view"] = view
    preset = st.session_state.get(APPLIED)
    if preset:
        params[PRESET] = preset
    if hide:
        params[LESSON] = "1"
        params[HIDE] = ",".join(hide)
    return params


def share_url(params: dict[str, str]) -> str:
    base = st.context.url or "http://localhost:8501/"
    return base + ("?" + urlencode(params) if params else "")


def apply_preset(name: str) -> None:
    """Set every control to the preset's value or its default (a callback, before widgets draw)."""
    preset = PRESETS[name]
    st.session_state.pop(LINKED, None)
    for key, spec in ALL_SPECS.items():
        st.session_state[key] = preset.values.get(key, spec.default)
    st.session_state["view"] = preset.view
    for key, default in VIEW_WIDGETS.items():  # e.g. the Landscape's slice, which some presets set
        st.session_state[key] = preset.widgets.get(key, default)
    st.session_state[APPLIED] = name


def preset_from_link(view_spec: Choice) -> None:
    """``?preset=name`` opens that scenario once; explicit parameters in the link still win."""
    name = st.query_params.get(PRESET)
    if name in PRESETS and st.session_state.get(APPLIED) is None and "_preset_loaded" not in st.session_state:
        st.session_state["_preset_loaded"] = True
        explicit = {k: st.query_params[k] for k in st.query_params if k in ALL_SPECS or k == "view"}
        apply_preset(name)
        for key, raw in explicit.items():
            spec = ALL_SPECS.get(key, view_spec if key == "view" else None)
            if spec is not None:
                st.session_state[key] = spec.parse(raw)


def preset_is_modified(name: str) -> bool:
    """True once any control differs from what the preset set."""
    preset = PRESETS[name]
    return any(current_value(spec) != preset.values.get(key, spec.default) for key, spec in ALL_SPECS.items())
