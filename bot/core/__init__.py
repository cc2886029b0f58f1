"""Neutral types every part of the bot shares: events, replies, identities, the clock."""
