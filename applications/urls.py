"""URLs of applications: annex 1 base applications and the art 7 approval chain.

Routes arrive with the issue that builds this part; until then the app is
registered and mounted at /applications/ with none of its own.
"""

app_name = "applications"
urlpatterns: list = []
