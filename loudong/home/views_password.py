"""A signed-in user changes their own password (等保 2.0 身份鉴别)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from loudong.accounts.models import User
from loudong.accounts.signals import password_changed


class PasswordChange(PasswordChangeForm):
    error_messages = {
        "password_incorrect": "现在的密码不对，请重新输入",
        "password_mismatch": "两次输入的新密码不一样，请重新输入",
    }


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The old password and the new one twice, checked by the password policy. This session stays
    signed in; the user's other sessions end (their stored password hash no longer matches), and
    `password_changed` tells the rest (API tokens end)."""
    form = PasswordChange(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        password_changed.send(sender=User, user=user, request=request)
        messages.success(request, "密码已修改。其他手机或电脑上的登录已退出，需用新密码重新登录。")
        return redirect("home")
    return render(request, "home/password_change.html", {"form": form})
