"""Furnishing: turns the lender's state into 二代 records and packs them into submission files.

It reads the lender and writes ``pboc`` files; it never imports the bureau.
"""
