"""What a web process would otherwise do on its first requests, done once in gunicorn's master before
it forks (config/gunicorn.py), so that a worker's first page after a restart or a replacement costs
what every later one does: the URLconf's view modules imported, every URL pattern's regular
expression compiled and every reverse table built, and the project's own templates and Django's form
widget templates compiled into their engines' cached template loaders. Heavy libraries are not
touched: templates and URL patterns import none.
"""

from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.urls import URLPattern, URLResolver, get_resolver


def warm_up() -> dict[str, int]:
    """Prepare URLs and templates in this process; returns how many of each (for the log and tests)."""
    return {"patterns": _compile_urls(get_resolver()), "templates": _compile_templates()}


def _compile_urls(resolver: URLResolver) -> int:
    resolver.pattern.regex  # noqa: B018 - compiled on first access, then kept
    resolver.reverse_dict  # noqa: B018 - builds this resolver's reverse and namespace tables
    count = 0
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            count += _compile_urls(entry)
        elif isinstance(entry, URLPattern):
            entry.pattern.regex  # noqa: B018
            count += 1
    return count


def _compile_templates() -> int:
    """The templates in the project's own template folders (not the libraries'), and the form widgets'
    templates of the form renderer, through each engine's cached loader, which keeps what it compiled
    for the life of the process."""
    count = 0
    project = [(engine, Path(d)) for engine in engines.all() for d in engine.dirs]
    widgets = get_default_renderer().engine
    for engine, folder in [(e, f) for e, f in project if f.is_relative_to(settings.BASE_DIR)] + [
        (widgets, Path(d)) for d in widgets.dirs
    ]:
        for path in sorted(folder.rglob("*.html")):
            engine.get_template(path.relative_to(folder).as_posix())
            count += 1
    return count
