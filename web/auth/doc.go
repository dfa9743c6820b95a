// Package auth authenticates and authorizes the admin API: users with
// roles and hashed passwords (switch/store), browser sessions with CSRF
// tokens, bearer tokens for automation, HTTP Basic for the CLI, login
// lockout, one role policy for every route, and the audit log.
//
// Sessions live in memory: a restart logs everybody out. Users, tokens
// and the audit log are in the store.
package auth
