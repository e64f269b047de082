"""The stored ranking of a call: one row per ranked application, rebuilt in SQL when it is read
after a change (``reviews/ranking.py``), so a page of the ranking reads only its own rows.

The rows and the change marks name the call and the application without a database constraint:
the rebuild reads the applications without locking them (a foreign key check would take a share
lock on each of 10,000 rows), and marking a change must never wait for another transaction.
Django still deletes the rows with their application or call (``on_delete=CASCADE``).
"""

from django.db import models
from django.db.models import Q


class RankingRow(models.Model):
    """An application's statistics and, for each order of the ranking, its rank and the running
    total of requests up to it (the funding line), as of the call's last rebuild."""

    competition = models.ForeignKey(
        "grants.Competition", on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    # The application's round (a rolling call's cut-off; NULL: the whole call), ranked on its own.
    cutoff = models.ForeignKey(
        "grants.CallCutoff", on_delete=models.CASCADE, null=True, db_constraint=False, db_index=False, related_name="+"
    )
    reviews = models.PositiveIntegerField(default=0)
    mean = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    normalised = models.FloatField(null=True)
    rank_mean = models.PositiveIntegerField()
    rank_normalised = models.PositiveIntegerField()
    rank_spread = models.PositiveIntegerField()
    rank_requested = models.PositiveIntegerField()
    rank_reference = models.PositiveIntegerField()
    cumulative_mean = models.DecimalField(max_digits=18, decimal_places=2)
    cumulative_normalised = models.DecimalField(max_digits=18, decimal_places=2)
    cumulative_spread = models.DecimalField(max_digits=18, decimal_places=2)
    cumulative_requested = models.DecimalField(max_digits=18, decimal_places=2)
    cumulative_reference = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        # A page is an index range of one of these.
        indexes = [
            *(
                models.Index(fields=["competition", "cutoff", f"rank_{sort}"], name=f"ranking_{sort}")
                for sort in ("mean", "normalised", "spread", "requested", "reference")
            ),
            # How many are ranked is the highest rank. PostgreSQL reads it off the end of an index
            # only when the columns before the rank are equalities, and ``cutoff IS NULL`` (a call
            # with no rounds) is not one: without this index it read every row of the call.
            models.Index(
                fields=["competition", "rank_mean"], condition=Q(cutoff__isnull=True), name="ranking_no_round"
            ),
        ]

    def __str__(self):
        return f"{self.application_id} #{self.rank_mean}"


class RankingBuild(models.Model):
    """When the call's ranking was last rebuilt; its row lock serialises the rebuilds of a call."""

    competition = models.OneToOneField(
        "grants.Competition", on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    built_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.competition_id}: {self.built_at}"


class RankingChange(models.Model):
    """A mark left, in the same transaction, by whatever moves a call's ranking (a review
    submitted, scores reweighted, an application entering or leaving the ranked states). Only
    ever inserted by writers, so marking never waits; the next read of the ranking deletes the
    marks it sees and rebuilds."""

    competition = models.ForeignKey(
        "grants.Competition", on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    def __str__(self):
        return str(self.competition_id)
