"""Site-wide middleware: the language (ChosenLanguageMiddleware) and private-by-default caching and the
Permissions-Policy (PrivateByDefaultMiddleware).

Dutch unless the visitor chose otherwise.
Django's LocaleMiddleware also follows the browser's Accept-Language header; a Dutch municipality's site
stays Dutch for everyone (its official language) and switches only when the visitor picks a language with
the language switch (which sets the language cookie).
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers


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


class PrivateByDefaultMiddleware:
    """Personal data stays out of caches, and browser features we never use stay off.

    The rule: every response that is not a static asset (under STATIC_URL) and does not set its own
    Cache-Control gets `Cache-Control: no-store` (with Django's never-cache companions). That covers all staff
    pages, the question form (it echoes what was typed), the confirmation page, the tracking page and every
    attachment download. Static files keep whitenoise's caching; a view that is safe to cache says so itself.
    Every response also gets the Permissions-Policy of settings.PERMISSIONS_POLICY.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix) and "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
