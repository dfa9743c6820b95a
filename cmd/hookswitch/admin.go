package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/auth"
)

// adminCredential is the stored form of the admin password (PBKDF2-SHA256,
// hashed and checked by web/auth). The JSON keeps its first layout:
// {"user","salt","iter","hash"}.
type adminCredential struct {
	User string `json:"user"`
	store.PasswordHash
}

const adminMeta = "admin_credential"

// ensureAdmin creates the admin credential on first run and prints it once;
// there is no default password.
func ensureAdmin(st *store.Store, out io.Writer) (*adminCredential, error) {
	b, err := st.GetMeta(adminMeta)
	if err == nil {
		var c adminCredential
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("admin credential: %w", err)
		}
		return &c, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("admin credential: %w", err)
	}
	pw := store.GeneratePassword()
	h, err := auth.HashPassword(pw)
	if err != nil {
		return nil, fmt.Errorf("admin credential: %w", err)
	}
	c := &adminCredential{User: "admin", PasswordHash: h}
	b, _ = json.Marshal(c)
	if err := st.PutMeta(adminMeta, b); err != nil {
		return nil, fmt.Errorf("admin credential: %w", err)
	}
	fmt.Fprintf(out, "\n  First run: created the admin credential. It is shown only this once.\n"+
		"    user:     admin\n    password: %s\n\n", pw)
	return c, nil
}

func (c *adminCredential) check(user, pw string) bool {
	ok := auth.CheckPassword(c.PasswordHash, pw) // always hashes: same cost for a wrong user
	return subtle.ConstantTimeCompare([]byte(user), []byte(c.User)) == 1 && ok
}
