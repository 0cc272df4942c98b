"""Models of practice: annex 2 practice requests, annex 3 assessments, base supervisors and the contact log."""
