"""Edit → Save: drafts of a company's settings and the one transaction that stores them."""
