"""The bureau: takes submission files, keeps each account's month-by-month history, and
serves credit reports. It never imports the lender or furnishing: they meet only through
``pboc`` files.
"""
