"""The notifier's ways out: each channel turns domain events into outbox rows of its own."""
