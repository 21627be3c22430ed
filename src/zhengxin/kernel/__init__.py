"""The kernel: money, time, identity numbers, institution codes, errors, settings, storage, logs.

Everything else in Zhengxin builds on these few types; the kernel itself depends only on the
standard library, SQLAlchemy and pydantic.
"""
