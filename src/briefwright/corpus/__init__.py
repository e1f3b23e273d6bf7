"""The corpus stage: source texts and their paragraphs, the catalog, and looking things up in them.

Takes seeds/ (corpus files and seeds/sources.yaml); gives `Corpus`, its `Source`s and catalog entries.
"""
