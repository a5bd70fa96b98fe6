"""Shared state of the Glue stand-ins: the configuration and the events."""
import json
import os

CONFIG = json.loads(os.environ.get("FLOWC_STUB", "{}"))
EVENTS = []


def event(*parts):
    EVENTS.append(list(parts))


def count_for(sql):
    """The count a check query returns: the first configured substring match,
    the configured row count for a plain COUNT(*) of the rows, else 0."""
    for needle, n in CONFIG.get("checks", []):
        if needle in sql:
            return n
    lines = [line.strip() for line in sql.strip().splitlines()]
    if lines == ["SELECT", "COUNT(*) AS `n`", "FROM `flowc_rows`"]:
        return CONFIG.get("rows", 0)
    return 0
