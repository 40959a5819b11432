"""What the appliance keeps on disk: its settings (TinyDB JSON) and its call log (SQLite)."""
