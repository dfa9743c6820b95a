package main

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/hookswitch/hookswitch/switch/store"
)

// adminCredential is the stored form of the admin password (PBKDF2-SHA256).
type adminCredential struct {
	User string `json:"user"`
	Salt []byte `json:"salt"`
	Iter int    `json:"iter"`
	Hash []byte `json:"hash"`
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
	c := &adminCredential{User: "admin", Salt: make([]byte, 16), Iter: 200000}
	rand.Read(c.Salt)
	c.Hash, err = pbkdf2.Key(sha256.New, pw, c.Salt, c.Iter, 32)
	if err != nil {
		return nil, fmt.Errorf("admin credential: %w", err)
	}
	b, _ = json.Marshal(c)
	if err := st.PutMeta(adminMeta, b); err != nil {
		return nil, fmt.Errorf("admin credential: %w", err)
	}
	fmt.Fprintf(out, "\n  First run: created the admin credential. It is shown only this once.\n"+
		"    user:     admin\n    password: %s\n\n", pw)
	return c, nil
}

func (c *adminCredential) check(user, pw string) bool {
	h, err := pbkdf2.Key(sha256.New, pw, c.Salt, c.Iter, 32)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(user), []byte(c.User)) == 1 && subtle.ConstantTimeCompare(h, c.Hash) == 1
}
