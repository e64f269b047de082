"""allauth adapter: every account e-mail (verification, password reset) is a row in the outbox,
sent by Celery. It lives here, not in `accounts`, because the outbox is a layer above accounts."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter

from .services import outbox_enqueue_rendered


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
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
