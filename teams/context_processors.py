from django.conf import settings
from django.utils import timezone

from .access import roles_for


def municipality(request):
    return {
        "municipality": settings.MUNICIPALITY,
        "roles": roles_for(request.user),
        "today": timezone.localdate(),
    }
