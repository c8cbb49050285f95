"""The exit-code contract as plain numbers, importable without click (the fast start-up path).

0 clean, 1 findings / differences / workflow failed, 2 usage or input error,
3 cluster or API error, 4 timeout reached (apply/watch), 130 interrupted, 141 the reader of the output
went away (`| head`), as for any tool stopped by SIGPIPE.
"""

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_CLUSTER = 3
EXIT_TIMEOUT = 4
EXIT_INTERRUPTED = 130
EXIT_READER_GONE = 141  # 128 + SIGPIPE: what `cat` or `grep` report when the reader closes the pipe
