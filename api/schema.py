"""The OpenAPI document, generated from the code in the site's language (Dutch): `manage.py api_schema`
writes docs/openapi.yaml, and tests/api/test_schema.py fails when the code and the file disagree."""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def openapi_document() -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return SchemaGenerator().get_schema(request=None, public=True)


def openapi_yaml() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return OpenApiYamlRenderer().render(openapi_document(), renderer_context={}).decode()
