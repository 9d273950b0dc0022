"""The caller's API tokens: list them and revoke one. An admin also sees and may revoke the tokens
of the people holding roles in their communities (loudong.accounts.tokens decides who may)."""

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from loudong.accounts import tokens
from loudong.accounts.models import ApiToken
from loudong.api.auth import BearerToken
from loudong.api.errors import ErrorOut
from loudong.api.ids import Id

router = Router(auth=BearerToken(), tags=["登录"])


class TokenInfoOut(Schema):
    id: int
    name: str
    username: str
    user: str
    mine: bool
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime


def token_out(token: ApiToken, caller_id: int) -> dict:
    return {
        "id": token.pk,
        "name": token.name or "接口",
        "username": token.user.username,
        "user": str(token.user),
        "mine": token.user_id == caller_id,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at(),
    }


@router.get("/tokens", response={200: list[TokenInfoOut], 401: ErrorOut})
def list_tokens(request: HttpRequest) -> list[dict]:
    """The tokens that still open the API: the caller's own, and for a community admin those of the
    people holding roles in their communities. Each ends after its idle time without use."""
    return [token_out(t, request.user.pk) for t in tokens.manageable(request.user)]


@router.delete("/tokens/{token_id}", response={204: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def revoke_token(request: HttpRequest, token_id: Id) -> Status:
    """Revoke a token (recorded in the audit log); one the caller may not see answers 404."""
    token = tokens.manageable(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    tokens.revoke(token, by=request.user, http=request)
    return Status(204, None)
