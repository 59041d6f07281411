"""The web layer shared by every blueprint: error pages and problems, the one commit per
request, template filters, security headers, paging and the confirm form.

It may import Flask and the extensions; the domain's pure cores never import it.
"""
