from django import template

from reports.formats import nl_cell, nl_date, nl_number

register = template.Library()


@register.filter
def nl(value, decimals=None):
    return nl_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def nl_datum(value):
    return nl_date(value) if value else "–"


@register.simple_tag
def cell(table, index, value):
    return nl_cell(value, percent=index in table.percent_columns)
