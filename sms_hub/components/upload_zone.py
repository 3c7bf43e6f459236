"""A file drop zone whose hidden file input has an accessible name."""

from __future__ import annotations

import json
from collections.abc import Iterator

import reflex as rx
from reflex.vars.base import Var


def _tree(component: rx.Component) -> Iterator[rx.Component]:
    yield component
    for child in getattr(component, "children", []):
        if isinstance(child, rx.Component):
            yield from _tree(child)


def upload_zone(*children: rx.Component, input_label: str, **props: object):
    """``rx.upload`` whose ``<input type=file>`` is named ``input_label``.

    Reflex renders react-dropzone's input as ``getInputProps()`` with no way to
    pass it props, so screen readers met an unnamed control; the call is given
    the name here (react-dropzone merges the props it is passed).
    """
    zone = rx.upload(*children, **props)
    for node in _tree(zone):
        special = getattr(node, "special_props", None)
        if getattr(node, "tag", None) == "input" and special:
            call = special[0]
            expression = str(call)
            assert expression.endswith("()"), expression
            named = expression[:-1] + json.dumps({"aria-label": input_label}) + ")"
            node.special_props = [
                Var(_js_expr=named, _var_type=None, _var_data=call._get_all_var_data())
            ]
            return zone
    raise LookupError("rx.upload rendered no file input to name")
