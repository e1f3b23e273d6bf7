"""The verify stage: every quotation matched against its source, and every citation located.

Takes an `Outline` and the `Corpus`; gives the outline's citations resolved to passages and paragraphs, or every problem at once.
"""
