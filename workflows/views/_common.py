"""Helpers shared by the workflow pages (workflows.views.*)."""


def _int(value) -> int:
    """A posted id, or 0 (matches nothing) when it is not a small positive integer."""
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 18 else 0


def _ints(values) -> set[int]:
    return {number for number in map(_int, values) if number}
