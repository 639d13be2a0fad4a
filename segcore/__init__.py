"""segcore: customer tiering for store owners — ingestion, tiers, migration, target lists, lift."""

__version__ = "0.1.0"
