"""The JSON API (django-ninja); its OpenAPI document is served at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="Loudong API", version="1", urls_namespace="api")
