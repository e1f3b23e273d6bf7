"""The render stage: notes and sources (CSL), themes, HTML, and the PDF with its typographic checks.

Takes a resolved outline; gives the brief's HTML and PDF bytes.
"""
