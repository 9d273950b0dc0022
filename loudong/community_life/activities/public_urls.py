"""Public sign-in pages reached from an activity's QR code, under /a/ (no account)."""

app_name = "activity_signin"
urlpatterns: list = []
