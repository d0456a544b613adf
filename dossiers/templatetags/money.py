"""{% load money %}: {{ amount|vnd }} → "1.800.000", {{ amount|vnd_words }} → "một triệu tám trăm nghìn đồng"."""

from django import template

from dossiers.money import amount_in_words, vnd as vnd_text

register = template.Library()


@register.filter
def vnd(amount):
    return "" if amount in (None, "") else vnd_text(amount)


@register.filter
def vnd_words(amount):
    return "" if amount in (None, "") else amount_in_words(amount)
