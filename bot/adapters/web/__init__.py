"""The web site and the calendar feeds (aiohttp, Jinja2): pages read through the use cases."""
