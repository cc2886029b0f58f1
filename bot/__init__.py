"""partnerbot: a chat bot for the contact persons of inter-municipal partnerships."""

__version__ = "0.1.0"
