"""What a user does, as plain functions both front ends call (DESIGN.md §2).

One module per kind of work: ``session`` (sign in, resume, register, what my roles
allow), ``scripts`` (import, submit, revise, versions, diff, export), ``scoring``
(my blind queue, save a score, leaderboard, select), ``rendering`` (plan, estimate,
render, re-render a scene, cancel), ``publishing``, ``review`` (movies, notes,
decisions) and ``admin``. Functions are keyword-only and return small typed results;
mutations return the store's ``Changes`` so views refresh what changed. No Qt here.
"""
