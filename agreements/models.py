"""Models of agreements: partners, agreements, bases, plaques, funding, courses and joint projects."""
