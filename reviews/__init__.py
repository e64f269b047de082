"""Reviews: reviewer assignments, conflicts of interest, scores against the rubric, ranking.

Empty until the review journey is built; the state machine's review transitions already live on
``applications.Application``.
"""
