"""Gunicorn's master compiles the URL patterns and the templates before it forks (loudong.ops.warmup),
so that a worker's first pages after a restart compile nothing."""

from django.forms.renderers import get_default_renderer
from django.template import engines
from django.template.base import Template

from loudong.ops.warmup import warm_up


def test_after_the_warm_up_the_first_pages_of_each_role_compile_no_template(world, client, login, monkeypatch):
    for engine in engines.all():
        for loader in engine.engine.template_loaders:
            loader.reset()  # as a fresh process: nothing compiled yet
    for loader in get_default_renderer().engine.engine.template_loaders:
        loader.reset()
    counts = warm_up()
    assert counts["templates"] >= 150 and counts["patterns"] >= 250
    compiled = []
    compile_nodelist = Template.compile_nodelist

    def counting(template: Template) -> object:
        compiled.append(template.origin.template_name)
        return compile_nodelist(template)

    monkeypatch.setattr(Template, "compile_nodelist", counting)
    code = world.community.code
    pages = {
        world.admin: [f"/c/{code}/", f"/c/{code}/requests/", f"/c/{code}/residents/", f"/c/{code}/stats/"],
        world.leader: [f"/c/{code}/", f"/c/{code}/requests/?tab=overdue"],
        world.volunteer: [f"/c/{code}/requests/mine/", f"/c/{code}/outreach/"],
        world.overseer: [f"/stats/subdistrict/{world.subdistrict.pk}/"],
    }
    for user, urls in pages.items():
        login(user)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
    assert compiled == []


def test_without_the_warm_up_a_first_page_compiles_its_templates(world, client, login, monkeypatch):
    """The check above can fail: a fresh loader compiles what a page uses."""
    for engine in engines.all():
        for loader in engine.engine.template_loaders:
            loader.reset()
    compiled = []
    compile_nodelist = Template.compile_nodelist
    monkeypatch.setattr(Template, "compile_nodelist", lambda t: compiled.append(t) or compile_nodelist(t))
    login(world.admin)
    assert client.get(f"/c/{world.community.code}/requests/").status_code == 200
    assert len(compiled) >= 3
