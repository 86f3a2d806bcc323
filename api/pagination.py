from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = _("Het paginanummer.")
    page_size_query_description = _("Het aantal resultaten per pagina (maximaal 100).")
