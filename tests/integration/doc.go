// Package integration boots the whole switch in-process (server.New over a
// temporary store) and drives it over real loopback sockets with small test
// phones built on sipgo. Everything lives in _test.go files; this file only
// names the package.
package integration
