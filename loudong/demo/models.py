from django.db import models


class DemoMarker(models.Model):
    """Present only in a database built by `loudong demo`; the login page then lists demo logins."""

    built_at = models.DateTimeField(auto_now=True)
