"""Account security pages: one's API tokens (and, for an admin, their community's people's), and a
community's login locks with the button that lifts one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts import lockout, tokens
from loudong.accounts.models import Role, token_idle_days
from loudong.registry.access import community_for


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The live API tokens the user may see: their own first, then their communities' people's."""
    found = list(tokens.manageable(request.user))
    return render(
        request,
        "home/tokens.html",
        {
            "mine": [t for t in found if t.user_id == request.user.pk],
            "others": [t for t in found if t.user_id != request.user.pk],
            "idle_days": token_idle_days(),
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.manageable(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    tokens.revoke(token, by=request.user, http=request)
    messages.success(request, f"已撤销{token}，使用它的程序需要重新登录。")
    return redirect("api_tokens")


@login_required
def locks(request: HttpRequest, code: str) -> HttpResponse:
    """The community's people locked out of login now, and from which address."""
    community = community_for(request.user, code, {Role.ADMIN})
    return render(request, "home/locks.html", {"community": community, "locks": lockout.locks(community.pk)})


@login_required
@require_POST
def unlock(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    username, address = request.POST.get("username", ""), request.POST.get("ip_address", "")
    lock = next(
        (x for x in lockout.locks(community.pk) if x.user.username == username and (x.ip_address or "") == address),
        None,
    )
    if lock is None:
        messages.info(request, "这个锁定已经解除或已过期。")
    else:
        lockout.unlock(lock, community_id=community.pk, by=request.user, http=request)
        messages.success(request, f"已解除 {lock.user}（{username}）在 {address or '未知地址'} 的登录锁定。")
    return redirect("locks", code=community.code)
