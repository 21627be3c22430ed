"""Zhengxin (征信): an open credit-reporting system.

A lender runs a revolving credit line and furnishes each account monthly in the PBOC
second-generation (二代) interface format; a bureau validates, keeps the history and serves
credit reports. See ``README.md`` for the map of the code.
"""

__version__ = "0.1.0"
