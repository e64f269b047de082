"""A programme's awarded grants as a 360Giving package (JSON, standard 1.4), safe to publish.

Grantees of confidential and emergency calls are anonymised by design, through the one rule of
``applications.identity`` (``open_data_recipient``): a generic name and a pseudonymous id, the
location coarsened to the country, the call's public description instead of the project's, no
project dates. Nothing else of such a grant (group, members, contacts, region) is ever read here.
"""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.identity import open_data_recipient
from applications.models import Application

from .selectors import COMMITTED_STATUSES

STANDARD_DIR = Path(__file__).resolve().parent / "standards" / "360giving"
VERSION = "1.4"
LOCATION_SCOPE_NATIONAL = "GLS030"
LOCATION_SCOPE_SUBNATIONAL = "GLS040"


class NothingToPublish(Exception):
    """The programme has no awarded grant: a 360Giving package needs at least one."""


def _identifier(reference) -> str:
    return f"360G-{settings.GIVING360_PREFIX}-{reference}"


def _funder() -> dict:
    return {
        "id": settings.GIVING360_FUNDER_ID or f"360G-{settings.GIVING360_PREFIX}",
        "name": settings.GIVING360_FUNDER_NAME,
    }


def _grant(application) -> dict:
    call = application.competition
    recipient = open_data_recipient(application.group, call, prefix=settings.GIVING360_PREFIX)
    country = application.region.country if application.region_id else None
    organisation = {"id": recipient.id, "name": recipient.name, "organisationType": "Community Group"}
    if country:
        organisation["addressCountry"] = country
    grant = {
        "id": _identifier(application.reference or f"application-{application.pk}"),
        "currency": call.currency,
        "amountAwarded": float(application.awarded_amount),
        "awardDate": (application.decided_at or application.updated_at).date().isoformat(),
        "recipientOrganization": [organisation],
        "fundingOrganization": [_funder()],
        "grantProgramme": [{"code": str(call.programme_id), "title": call.programme.name}],
        "regrantType": settings.GIVING360_REGRANT_TYPE,
        "fromOpenCall": "Yes",
    }
    if recipient.anonymised:
        grant["title"] = _("A grant of the call “%(call)s”") % {"call": call.title}
        grant["description"] = call.description
        if country:
            grant["beneficiaryLocation"] = [{"name": country, "countryCode": country}]
            grant["locationScope"] = LOCATION_SCOPE_NATIONAL
        return grant
    grant["title"] = application.title
    grant["description"] = application.summary or call.description
    if application.region_id:
        grant["beneficiaryLocation"] = [{"name": application.region.name, "countryCode": country}]
        grant["locationScope"] = LOCATION_SCOPE_SUBNATIONAL
    if application.planned_start and application.planned_end:
        grant["plannedDates"] = [
            {"startDate": application.planned_start.isoformat(), "endDate": application.planned_end.isoformat()}
        ]
    return grant


def programme_grants(programme):
    return (
        Application.objects.filter(competition__programme=programme, status__in=COMMITTED_STATUSES)
        .select_related("competition__programme", "group", "region")
        .order_by("decided_at", "pk")
    )


def programme_package(programme) -> dict:
    """The package as a dict (1 query). Raises ``NothingToPublish`` for a programme without grants."""
    grants = [_grant(application) for application in programme_grants(programme)]
    if not grants:
        raise NothingToPublish(
            _("The programme “%(programme)s” has no awarded grants yet: there is nothing to publish.")
            % {"programme": programme.name}
        )
    now = timezone.now()
    return {
        "title": _("Grants of the programme “%(programme)s”") % {"programme": programme.name},
        "identifier": f"{settings.GIVING360_PREFIX}-programme-{programme.pk}",
        "issued": now.date().isoformat(),
        "modified": now.replace(microsecond=0).isoformat(),
        "license": settings.GIVING360_LICENSE,
        "version": VERSION,
        "grants": grants,
    }


def programme_package_json(programme) -> str:
    return json.dumps(programme_package(programme), ensure_ascii=False, indent=2)
