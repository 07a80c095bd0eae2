"""XML 1.0 (JUnit): text from data that any XML parser reads back unchanged.

:mod:`xml.etree.ElementTree` writes the entities (``&amp; &lt; &gt; &quot;`` and, in
attributes, ``&#10;`` for a newline); what it cannot do is hold a character outside
XML 1.0's ``Char`` production (section 2.2: C0 controls but tab, newline and carriage
return; lone surrogates; U+FFFE and U+FFFF), which makes the document unreadable.  This
function writes those as ``\\uXXXX`` (as on the terminal), and with them a carriage
return (a parser turns it into a newline in text, section 2.11), C1 controls and
bidirectional overrides, so the text read back is exactly the text given here.
"""

from __future__ import annotations

from sumbench.common.terminal import escape_controls


def escape_xml(value: object) -> str:
    """``value`` as text ElementTree can put in an element or attribute (see module doc)."""
    return escape_controls(str(value))
