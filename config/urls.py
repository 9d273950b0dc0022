from django.urls import include, path

from loudong.accounts import views as account_views
from loudong.api.urls import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("loudong.accounts.urls")),
    path("c/<slug:code>/policy/", include("loudong.policy.urls")),
    path("c/<slug:code>/", include("loudong.registry.urls")),
    path("api/v1/", api.urls),
]
