"""The outline stage: briefs/<slug>.yaml read into typed objects, and the citations inside their prose.

Takes an outline file; gives an `Outline` whose values remember their line and column.
"""
