"""levelup_site: turns Markdown case studies into a browsable static site."""

__version__ = "0.1.0"
