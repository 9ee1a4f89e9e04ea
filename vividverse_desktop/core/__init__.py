"""The pure domain core: screenplay, scoring, workflow, pipeline. No Qt, no I/O frameworks."""
