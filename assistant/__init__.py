"""Deprecated alias: the package is now `vraagbaak`. `python -m assistant …` keeps working for one release."""
