"""The policy edit page as its admin sends it back."""

from django.urls import reverse


def url(name: str, code: str = "xihu", *args: object) -> str:
    return reverse(f"policy:{name}", args=[code, *args])


def edit_data(response, **changes: object) -> dict:
    """What the edit page would post back untouched, with `changes` applied."""
    data = {name: value for name, value in response.context["form"].initial.items()}
    for formset in (response.context["category_forms"], response.context["visit_forms"]):
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset.forms:
            for field in form:
                if field.value() not in (None, False):
                    data[field.html_name] = field.value()
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def save(client, code: str = "xihu", **changes: object):
    page = client.get(url("edit", code))
    return client.post(url("edit", code), edit_data(page, **changes))
