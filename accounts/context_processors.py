from django.conf import settings

from .roles import user_role_names


def roles(request):
    names = user_role_names(request.user) if hasattr(request, "user") else set()
    return {
        "is_programme_staff": settings.ROLE_STAFF in names,
        "is_reviewer": settings.ROLE_REVIEWER in names,
        "is_mentor": settings.ROLE_MENTOR in names,
    }
