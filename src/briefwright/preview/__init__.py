"""`briefwright preview`: a live preview of one brief on 127.0.0.1, with a source view.

session.py keeps the brief's latest state (web HTML first, then the PDF laid out
by a warm WeasyPrint in a background thread); pages.py writes the source view and
the quotations panel; server.py serves them, checks every request's Host header
and pushes server-sent events when an input changes.
"""
