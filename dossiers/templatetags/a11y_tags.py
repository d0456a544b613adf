"""Template helpers for accessibility (issue 16): what every page needs to know about itself."""

from django import template
from django.contrib.messages import constants as message_levels
from django.forms import BaseForm

register = template.Library()


@register.simple_tag(takes_context=True)
def page_has_error(context) -> bool:
    """True when the page answers a refused action: an `error` in the view's context, a bound form with
    errors, or an error message. The <title> then says so (WCAG 3.3.1), read first by screen readers."""
    if context.get("error"):
        return True
    for value in context.flatten().values():
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return True
    for message in context.get("messages") or ():
        if message.level >= message_levels.ERROR:
            return True
    return False


@register.simple_tag(takes_context=True)
def field_error_links(context) -> list[dict]:
    """Each invalid field of the bound forms on the page, for the error summary to link to (WCAG 3.3.1):
    [{"id": the field's id, "label": its label, "message": its first error}]."""
    links, seen = [], set()
    for value in context.flatten().values():
        if not (isinstance(value, BaseForm) and value.is_bound and value.errors) or id(value) in seen:
            continue
        seen.add(id(value))
        for name, errors in value.errors.items():
            if name == "__all__" or name not in value.fields:
                continue
            bound = value[name]
            target = bound.id_for_label or bound.auto_id
            if getattr(bound.field.widget, "input_type", None) == "radio":
                target = f"{bound.auto_id}_0"
            links.append({"id": target, "label": bound.label, "message": errors[0]})
    return links


@register.filter
def at(sequence, index):
    """sequence[index], or "" past its end: a stacked table's cell names its column (data-label)."""
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError):
        return ""
