"""allauth adapter: every account e-mail (verification, password reset) is a row in the outbox,
sent by Celery. It lives here, not in `accounts`, because the outbox is a layer above accounts."""

import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .services import outbox_enqueue_rendered


def this_site():
    """The site as allauth's e-mails name it ("Hello from ..."): our name and public address, not
    the host of whichever request or worker renders the e-mail."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_BASE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        context = {"email": email, **context, "current_site": this_site()}
        message = self.render_mail(template_prefix, email, context)
        body = message.body
        html = ""
        for alternative, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = alternative
        user = context.get("user")
        outbox_enqueue_rendered(
            recipient_email=email,
            recipient=user if getattr(user, "pk", None) else None,
            kind=f"account:{template_prefix.rsplit('/', 1)[-1]}",
            dedupe_key=f"account:{template_prefix}:{email}:{uuid.uuid4()}",
            subject=message.subject,
            body=body,
            html_body=html,
        )
