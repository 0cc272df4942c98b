"""URLs of practice: annex 2 practice requests, annex 3 assessments, base supervisors and the contact log.

Routes arrive with the issue that builds this part; until then the app is
registered and mounted at /practice/ with none of its own.
"""

app_name = "practice"
urlpatterns: list = []
