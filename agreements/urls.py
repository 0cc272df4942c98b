"""URLs of agreements: partners, agreements, bases, plaques, funding, courses and joint projects.

Routes arrive with the issue that builds this part; until then the app is
registered and mounted at /agreements/ with none of its own.
"""

app_name = "agreements"
urlpatterns: list = []
