"""The Vividverse sync server: users, scripts, scores and movies over JWT (Starlette)."""
