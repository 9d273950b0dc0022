from django.urls import path

from loudong.groups.venues import views

app_name = "venues"
urlpatterns = [
    path("", views.venue_list, name="list"),
    path("new/", views.venue_create, name="create"),
    path("<int:pk>/", views.venue_detail, name="detail"),
    path("<int:pk>/edit/", views.venue_edit, name="edit"),
    path("<int:pk>/consent/", views.consent_add, name="consent"),
    path("<int:pk>/consent/<int:consent>/withdraw/", views.consent_withdraw, name="withdraw"),
    path("<int:pk>/kit/", views.kit_add, name="kit"),
    path("<int:pk>/kit/<int:item>/return/", views.kit_return, name="kit_return"),
]
