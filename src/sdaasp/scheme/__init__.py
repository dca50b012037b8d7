"""The scheme itself as Django apps split by domain.

``organisations`` (organisations, people, roles), ``procedure`` (versions, phases, milestones,
consultations and deemed opinions, approval, arrêté, publication, revision), ``strategy``
(findings, orientations, levers), ``governance`` (bodies, meetings, decisions), ``programme``
(orientations → working groups → fiches action, indicators, budget, follow-up, change log),
``convention`` (framework convention, signatories, commitments) and ``reporting`` (annual
campaigns). ``dates`` is plain Python (calendar months, imprecise dates).
"""
