from django.urls import path

from loudong.groups.printing import views

app_name = "printing"
urlpatterns = [
    path("", views.index, name="index"),
    path("boards.pdf", views.all_boards_pdf, name="all_boards"),
    path("cards.pdf", views.all_cards_pdf, name="all_cards"),
    path("my-phone/", views.my_consent, name="my_consent"),
    path("g/<int:pk>/", views.group_page, name="group"),
    path("g/<int:pk>/board.pdf", views.board_pdf, name="board"),
    path("g/<int:pk>/cards.pdf", views.cards_pdf, name="cards"),
    path("g/<int:pk>/consent/", views.consent, name="consent"),
]
