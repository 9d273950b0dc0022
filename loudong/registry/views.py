from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from loudong.accounts.access import community_for


@login_required
def community_home(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code)
    return render(request, "registry/community.html", {"community": community})
