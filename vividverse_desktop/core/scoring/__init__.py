"""Rubrics, score events, aggregates, agreement and ranking."""
