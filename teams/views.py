"""The municipality's colours as a small stylesheet (the Content-Security-Policy allows no inline <style>)."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET

SAFE_COLOUR = re.compile(r"^[#\w(),.% ]{1,40}$")


def _colour(value: str, fallback: str) -> str:
    return value if SAFE_COLOUR.match(value or "") else fallback


@require_GET
def theme_css(request):
    municipality = settings.MUNICIPALITY
    primary = _colour(municipality["primary_colour"], "#00566e")
    dark = _colour(municipality["primary_colour_dark"], "#003d4f")
    css = f":root {{ --vd-primary: {primary}; --vd-primary-dark: {dark}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"  # the same for everyone, and no personal data
    return response
