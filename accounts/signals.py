"""Everyone who signs up is an applicant; other roles are granted by staff."""

from allauth.account.signals import user_signed_up
from django.conf import settings
from django.dispatch import receiver
from django.utils import translation

from .roles import grant_role


@receiver(user_signed_up)
def make_applicant(request, user, **kwargs):
    grant_role(user, settings.ROLE_APPLICANT)
    language = translation.get_language()
    if language and language[:2] in dict(settings.LANGUAGES) and user.language != language[:2]:
        user.language = language[:2]
        user.save(update_fields=["language"])
