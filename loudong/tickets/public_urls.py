"""Residents' pages, no account needed, under /ask/: place a request from a QR code, follow it."""

app_name = "ask"
urlpatterns: list = []
