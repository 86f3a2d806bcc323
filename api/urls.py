from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("handoffs", views.HandoffViewSet, basename="handoff")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("subscriptions", views.SubscriptionViewSet, basename="subscription")

urlpatterns = [
    *router.urls,
    # The schema and its reference page are public (no token): they describe, they hold no data.
    path(
        "schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="api:schema", authentication_classes=[], permission_classes=[]
        ),
        name="docs",
    ),
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not-found"),
]
