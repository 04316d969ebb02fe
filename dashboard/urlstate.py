"""The app's state in its URL: checking a link, lesson links, sharing, presets.

Every control is bound to a URL parameter (``bind="query-params"``), so the
address bar is the link. This module is the only reader and writer of
``st.query_params`` besides Streamlit's own binding, and the only place that
knows every control: the sidebar's (``controls``), the views' own (declared as
specs in their modules, collected by ``views``) and the presentation ones
(``lecture``).

Three gaps of Streamlit's binding are closed here:

- a value the widget cannot read (``?r1_lr=2.0``, ``?k=0``) would be reset silently:
  ``open_link`` warns about a bad one and spells a good one the widget's way first;
- a value set from code (a preset, a settings file) for a widget that was not drawn
  in the previous run never reaches the URL: ``set_controls`` writes those itself;
- a segmented control could be cleared into an empty value: ``Choice`` makes it required.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from .presets import PRESETS, VIEW_WIDGETS
from .specs import Spec

LESSON, HIDE, PRESET = "lesson", "hide", "preset"
WARNINGS = "_url_warnings"
APPLIED = "_applied_preset"
LINKED = "_linked_values"  # values of hidden controls, read once from the link
PRESET_LOADED = "_preset_loaded"


@functools.cache
def link_specs() -> dict[str, Spec]:
    """Every control a link can set, by URL key: derived from where each is declared."""
    from .controls import ALL_SPECS  # imported here: those modules use this one
    from .lecture import PRESENTATION_SPECS
    from .views import VIEW_SPECS

    groups = (ALL_SPECS, PRESENTATION_SPECS, VIEW_SPECS)
    specs = {key: spec for group in groups for key, spec in group.items()}
    if len(specs) != sum(map(len, groups)) or specs.keys() & {LESSON, HIDE, PRESET}:
        raise ValueError("two controls share a URL key")  # each key names one control
    return specs


def get(key: str, default: str | None = None) -> str | None:
    """The raw URL value of ``key`` (the last one if repeated)."""
    return st.query_params.get(key, default)


def get_list(key: str) -> list[str]:
    """A comma-separated URL value as its parts (``?feats=a,b``)."""
    return [part for part in (get(key) or "").split(",") if part]


def put(key: str, text: str | None) -> bool:
    """Set (or with None remove) a URL parameter no widget owns; False if a drawn widget owns it.

    Streamlit keeps a bound parameter in step with its widget itself and refuses writes to it.
    """
    try:
        if text is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != text:
            st.query_params[key] = text
    except StreamlitAPIException:
        return False
    return True


def check_link(specs: dict[str, Spec] | None = None) -> tuple[list[str], bool]:
    """Check every URL parameter before any widget reads it.

    Drops what the app cannot use (one warning per field) and respells a good value
    the way its widget writes it (2.0 → 2). Returns the warnings and whether the URL
    changed: Streamlit seeds widgets from the URL the run started with, so a changed
    link needs a rerun before the widgets draw (``open_link`` does it).
    """
    specs = link_specs() if specs is None else specs
    warnings, changed = [], False
    for key in list(st.query_params):
        raw = st.query_params.get(key)
        if key in (LESSON, HIDE):
            continue
        if key == PRESET:
            if raw not in PRESETS:
                warnings.append(f"Preset '{raw}' does not exist; choose one from the Presets list.")
                changed |= put(key, None)
            continue
        spec = specs.get(key)
        if spec is None:
            warnings.append(f"Ignored the unknown link parameter '{key}'.")
            changed |= put(key, None)
            continue
        try:
            canonical = spec.link_form(raw)
        except ValueError as exc:
            default = spec.url_form(spec.default)
            warnings.append(f"The link's value for {exc}; using the default {default} instead.")
            changed |= put(key, None)
            st.session_state.pop(key, None)
            continue
        if canonical != raw:
            changed |= put(key, canonical)
    return warnings, changed


def open_link() -> list[str]:
    """Check the link, apply its preset; the link's warnings kept for the session.

    Call first in every run, before any widget draws.
    """
    new, changed = check_link()
    warnings = remember_warnings(new)
    changed |= preset_from_link()
    if changed:
        st.rerun()  # let the widgets read the corrected link
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
    from .controls import ALL_SPECS, GROUPS

    if get(LESSON) not in ("1", "true"):
        return frozenset()
    names = [n.strip() for n in (get(HIDE) or "").split(",") if n.strip()]
    keys: set[str] = set()
    for name in names:
        keys.update(GROUPS.get(name, (name,) if name in ALL_SPECS else ()))
    return frozenset(keys)


def linked_value(spec: Spec):
    """A hidden control's value: from the link (kept for the session), else its default."""
    linked = st.session_state.setdefault(LINKED, {})
    if spec.key not in linked:
        raw = get(spec.key)
        linked[spec.key] = spec.default if raw is None else spec.parse(raw)
    return linked[spec.key]


def current_value(spec: Spec):
    if spec.key in st.session_state.get(LINKED, {}):
        return st.session_state[LINKED][spec.key]
    return st.session_state.get(spec.key, spec.default)


def share_params(*, view: str | None, hide: tuple[str, ...] = ()) -> dict[str, str]:
    """URL parameters reproducing the current state: every control that differs from its default.

    A view's own widgets are in the URL only while their view is open (Streamlit drops a
    bound parameter whose widget is not drawn), so they are taken from there.
    """
    from .views import VIEW, VIEW_SPECS

    params = {}
    for key, spec in link_specs().items():
        if key in VIEW_SPECS:
            continue
        value = current_value(spec)
        if value != spec.default:
            params[key] = spec.url_form(value)
    for key, spec in VIEW_SPECS.items():
        raw = get(key)
        if key == VIEW.key or raw is None:
            continue
        try:
            params[key] = spec.link_form(raw)
        except ValueError:
            continue  # the widget resets it; so will the link
    if view and view != VIEW.default:
        params[VIEW.key] = view
    preset = active_preset()
    if preset:
        params[PRESET] = preset
    if hide:
        params[LESSON] = "1"
        params[HIDE] = ",".join(hide)
    return params


def share_url(params: dict[str, str]) -> str:
    base = st.context.url or "http://localhost:8501/"
    return base + ("?" + urlencode(params) if params else "")


def set_controls(values: dict) -> None:
    """Set controls from code (a preset, a settings file), the URL included.

    Streamlit writes a programmatically set value to the URL only for a widget it drew
    in the previous run; for the others (a run's momentum that only now appears, a third
    run) the parameter is written here. Such a widget, when it first draws, reads the URL
    the run started with: if that held another value for it, the run restarts from the
    corrected URL. Call before the widgets draw (in a callback, or first thing in a run).
    """
    specs = link_specs()
    stale = False
    for key, value in values.items():
        spec = specs[key]
        text = None if value == spec.default else spec.url_form(value)
        if getattr(spec, "options", ()) is None:  # options known only when drawn: the widget reads the link
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value
        before = get(key)
        if put(key, text) and before is not None and before != text:
            stale = True
    if stale:
        st.rerun()


def _preset_values(name: str) -> dict:
    """Every control as the preset sets it: its value, or the default."""
    from .controls import ALL_SPECS
    from .views import VIEW

    preset = PRESETS[name]
    values = {key: preset.values.get(key, spec.default) for key, spec in ALL_SPECS.items()}
    widgets = {key: preset.widgets.get(key, default) for key, default in VIEW_WIDGETS.items()}
    return {**values, **widgets, VIEW.key: preset.view}


def apply_preset(name: str, overrides: dict | None = None) -> None:
    """Set every control to the preset's value or its default (a callback, before widgets draw)."""
    st.session_state.pop(LINKED, None)
    st.session_state[APPLIED] = name
    put(PRESET, name)
    set_controls({**_preset_values(name), **(overrides or {})})


def preset_from_link() -> bool:
    """``?preset=name`` opens that scenario once; explicit parameters in the link still win.

    Returns whether the URL changed (the preset's values were written into it).
    """
    name = get(PRESET)
    if name not in PRESETS or st.session_state.get(APPLIED) is not None or PRESET_LOADED in st.session_state:
        return False
    st.session_state[PRESET_LOADED] = True
    specs = link_specs()
    explicit = {k: specs[k].parse(st.query_params[k]) for k in st.query_params if k in specs}
    apply_preset(name, explicit)
    return True


def preset_is_modified(name: str) -> bool:
    """True once any control differs from what the preset set."""
    from .controls import ALL_SPECS

    preset = PRESETS[name]
    return any(current_value(spec) != preset.values.get(key, spec.default) for key, spec in ALL_SPECS.items())


def active_preset() -> str | None:
    """The loaded preset while every control is as it set them, else None.

    Its name is in the link only then: a link with ``preset`` fills each control it does
    not name from the preset, so after a change back to a default (which Streamlit leaves
    out of the URL) it would bring the preset's value back.
    """
    name = st.session_state.get(APPLIED)
    if name is None or preset_is_modified(name):
        put(PRESET, None)
        return None
    return name
