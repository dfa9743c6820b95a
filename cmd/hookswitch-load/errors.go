package main

import "errors"

// errUsage marks a command line that cannot run.
var errUsage = errors.New("usage")
