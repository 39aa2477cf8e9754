// The end-to-end suites land here as the nodes do; this file keeps the target non-empty meanwhile.
