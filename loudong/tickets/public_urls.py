"""Residents' pages, no account needed, under /ask/: place a request from a QR code, follow it."""

from django.urls import path

from loudong.tickets import views_public as views
from loudong.tickets import views_track as track

app_name = "ask"
urlpatterns = [
    # The links printed before tokens (by row number): answered as views.numeric_start says.
    path("b/<int:number>/", views.numeric_start, {"kind": "building"}, name="building_numeric"),
    path("g/<int:number>/", views.numeric_start, {"kind": "group"}, name="group_numeric"),
    path("m/<int:number>/", views.numeric_start, {"kind": "member"}, name="member_numeric"),
    path("b/<slug:token>/", views.building_start, name="building"),
    path("g/<slug:token>/", views.group_start, name="group"),
    path("m/<slug:token>/", views.member_start, name="member"),
    path("place/", views.place, name="place"),
    path("place/<str:key>/<int:step>/", views.screen, name="screen"),
    path("join/", views.join, name="join"),
    path("draft-photo/<str:token>/", views.draft_photo, name="draft_photo"),
    path("t/<str:token>/", track.track, name="track"),
    path("t/<str:token>/receipt/", track.receipt, name="receipt"),
    path("t/<str:token>/reply/", track.reply, name="reply"),
    path("t/<str:token>/rate/", track.rate, name="rate"),
    path("t/<str:token>/photo/<int:photo_id>/", track.photo, name="photo"),
    path("s/<str:token>/", track.supporter, name="supporter"),
]
