"""URLs of evaluation: the annex 4 standard, yearly checks, term assessments and expert scores.

Routes arrive with the issue that builds this part; until then the app is
registered and mounted at /evaluation/ with none of its own.
"""

app_name = "evaluation"
urlpatterns: list = []
