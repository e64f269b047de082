"""``{% group_identity application "purpose" as group %}``: a page shows a group only through
``applications.identity`` (code name or real name, and the access log)."""

from django import template

from ..identity import application_identity

register = template.Library()


@register.simple_tag(takes_context=True)
def group_identity(context, application, purpose):
    request = context.get("request")
    viewer = context.get("identity_viewer", request.user if request is not None else None)
    return application_identity(application, viewer, purpose=purpose)


@register.filter
def shown_for(identities, pk):
    """``{{ identities|shown_for:application.pk }}`` for lists built with ``application_identities``."""
    return identities.get(pk, "")
