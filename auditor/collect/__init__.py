"""Collection: the only place a browser lives. Produces Snapshots (plain data) for the checks."""
