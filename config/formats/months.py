"""Month names in the genitive ("15 сакавіка"), which date formats use through ``E``.

Django ships them for Polish, Ukrainian and Russian but not for Belarusian; listing them here
keeps them in our own catalogues (``makemessages``), where every offered language has them."""

from django.utils.translation import pgettext_lazy

GENITIVE_MONTHS = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
