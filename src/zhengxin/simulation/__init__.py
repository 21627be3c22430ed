"""The world the demo runs in: a lender and a bureau wired together the way the real ones
are — the lender writes submission files, the bureau reads them — over simulated months on a
fixed clock, with synthetic people who behave like real Huabei users.
"""
