"""Allied list sources: importers for the official formats, snapshots, diffs."""
