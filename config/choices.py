"""Choice labels read from a mapping built once per field."""

from functools import cache

from django.utils.encoding import force_str


@cache
def _labels(field) -> dict:
    return dict(field.flatchoices)


class ChoiceLabels:
    """``get_FOO_display`` from a mapping built once per field. Django's own builds a dict of every
    choice (hashing each lazy label) on each call: about 50 µs, paid once per row of every list.
    The labels stay lazy, so each is translated into the language of the request that shows it."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(value, value), strings_only=True)
