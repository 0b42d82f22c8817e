"""The chat assistant: intents (messages -> actions), the per-session service, draft storage."""
