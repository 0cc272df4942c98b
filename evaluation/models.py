"""Models of evaluation: the annex 4 standard, yearly checks, term assessments and expert scores."""
