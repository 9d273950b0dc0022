from django.urls import path

from loudong.registry import views_edit, views_members, views_people, views_places, views_places_edit

app_name = "registry"
urlpatterns = [
    path("buildings/", views_places.buildings, name="buildings"),
    path("buildings/<int:pk>/", views_places.building_detail, name="building"),
    path("places/stairwells/", views_places.stairwell_options, name="stairwell_options"),
    path("residents/", views_people.residents, name="residents"),
    path("residents/export.xlsx", views_people.residents_export, name="residents_export"),
    path("residents/new/", views_edit.resident_create, name="resident_create"),
    path("residents/<int:pk>/", views_people.resident_detail, name="resident"),
    path("residents/<int:pk>/reveal/<str:field>/", views_people.reveal, name="reveal"),
    path("residents/<int:pk>/edit/", views_edit.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/delete/", views_edit.resident_delete, name="resident_delete"),
    path("residents/<int:pk>/move/", views_edit.resident_move, name="resident_move"),
    path("residents/<int:pk>/member/", views_members.member_edit, name="member_edit"),
    path("residents/<int:pk>/member/delete/", views_members.member_delete, name="member_delete"),
    path("members/", views_members.members, name="members"),
    path("members/export.xlsx", views_members.members_export, name="members_export"),
    path("buildings/new/", views_places_edit.building_create, name="building_create"),
    path("buildings/<int:pk>/edit/", views_places_edit.building_edit, name="building_edit"),
    path("buildings/<int:pk>/delete/", views_places_edit.building_delete, name="building_delete"),
    path("buildings/<int:pk>/stairwells/new/", views_places_edit.stairwell_create, name="stairwell_create"),
    path("stairwells/<int:pk>/edit/", views_places_edit.stairwell_edit, name="stairwell_edit"),
    path("settings/", views_places_edit.community_edit, name="community_edit"),
]
