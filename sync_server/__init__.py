"""The Vividverse sync server: users, scripts, scores and movies over JWT (Starlette).

``sync_server.app.create_app(Settings.from_environ())`` builds the app (migrating the
database on the way); ``python -m sync_server`` / ``vividverse-sync-server`` serves it
with uvicorn. Modules: ``settings`` (environment), ``db``/``models``/``migrations``
(SQLAlchemy + alembic), ``tokens``/``passwords``/``throttle``/``auth`` (sign-in),
``users`` (admin), ``scripts``/``versions`` (submission, listing, new versions),
``screenplays``/``script_readers`` (texts parsed in child processes, with a time limit),
``scores``/``score_store`` (validations, aggregates, leaderboard, the quorum move),
``movies``/``movie_store`` (renders and review notes), ``sync``/``push``/``batch``/``pull``
(the offline sync protocol of ``vividverse_desktop.core.wire``), ``records`` (rows as
wire records, blinding), ``usn`` (update sequence numbers), ``payload``/``limits``/
``errors`` (input checking and JSON errors).
"""
