"""Events of calls that the layers above listen to (they register receivers in ``ready()``)."""

from django.dispatch import Signal

# Sent inside the transaction that saved a call: ``call`` (the Competition), ``changed`` (the
# names of the fields whose values changed; every field when the call is new) and ``by``.
call_saved = Signal()

# Sent inside the transaction that added or removed a rolling call's cut-off (applications may
# have moved to another round): ``call``.
call_rounds_changed = Signal()
