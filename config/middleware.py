"""Dutch unless the visitor chose otherwise.

Django's LocaleMiddleware also follows the browser's Accept-Language header; a Dutch municipality's site
stays Dutch for everyone (its official language) and switches only when the visitor picks a language with
the language switch (which sets the language cookie).
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
