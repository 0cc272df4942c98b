"""Models of applications: annex 1 base applications and the art 7 approval chain."""
