"""The regeneration stage: locks, freshness, drift, --accept, incremental builds, status and watch.

Takes the workspace and each brief's lock; gives which briefs are stale and why, and rebuilds exactly those.
"""
