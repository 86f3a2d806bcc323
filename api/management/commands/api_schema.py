from django.core.management.base import BaseCommand, CommandError

from api.schema import SCHEMA_FILE, openapi_yaml


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to docs/openapi.yaml (--check: fail when it is out of date)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        text = openapi_yaml()
        if check:
            if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text() != text:
                raise CommandError("docs/openapi.yaml is out of date: run `manage.py api_schema`.")
            return
        SCHEMA_FILE.write_text(text)
        self.stdout.write(f"Wrote {SCHEMA_FILE}")
