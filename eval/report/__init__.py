"""Presentation of results: console tables now, Markdown and HTML reports beside them."""
