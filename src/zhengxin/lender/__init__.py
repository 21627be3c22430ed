"""The lender: a licensed consumer-finance company's own system.

It runs Huabei-like revolving credit lines: opening a line, purchases, repayments, monthly
statements, and the delinquency that follows from unpaid minimums. Its ledger is the source of
truth for everything it later furnishes to bureaus. It never imports the bureau.
"""
