"""绩效目标表 assistant: parse, check, find similar, draft and export performance-target tables."""

__version__ = "0.1.0"
