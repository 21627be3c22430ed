"""The ``zhengxin`` command line: thin faces over the services."""
