"""Publishing the privacy notice candidates read before they consent."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import PrivacyNotice
from hiring.errors import Invalid


@transaction.atomic
def privacy_notice_publish(
    *, text_en: str, text_es: str, user, now: datetime | None = None
) -> PrivacyNotice:
    """Publish a new version; earlier versions stay as the consents given under them.

    Saving the same texts again publishes nothing. Two administrators publishing
    at the same instant cannot get the same number: the version is unique.
    """
    text_en, text_es = (text_en or "").strip(), (text_es or "").strip()
    missing = {
        name: [_("The notice needs a text in this language.")]
        for name, text in (("text_en", text_en), ("text_es", text_es))
        if not text
    }
    if missing:
        raise Invalid(
            _("The privacy notice needs its text in every language."),
            code="notice_incomplete",
            fields=missing,
        )
    current = PrivacyNotice.objects.order_by("-version").first()
    if current and current.text_en == text_en and current.text_es == text_es:
        return current
    latest = PrivacyNotice.objects.aggregate(latest=Max("version"))["latest"] or 0
    return PrivacyNotice.objects.create(
        version=latest + 1,
        text_en=text_en,
        text_es=text_es,
        published_at=now or timezone.now(),
        published_by=user if getattr(user, "is_authenticated", False) else None,
    )
