package store

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Admin users (SPEC A1-A4) and their API tokens. The store keeps records
// and checks their shape; hashing, roles' meaning and sessions are
// web/auth's.
const (
	userPrefix  = "user/"
	tokenPrefix = "apitoken/"

	// MaxTokens bounds the stored API tokens: far above real use, low
	// enough that a listing stays small.
	MaxTokens = 1000
	// MaxUsers bounds the admin users, for the same reason.
	MaxUsers = 10000

	maxTokenNameLen = 64
)

// Roles, from the most to the least powerful; what each may do is
// web/auth's policy.
const (
	RoleAdmin       = "admin"
	RoleTenantAdmin = "tenant_admin"
	RoleOperator    = "operator"
	RoleSupervisor  = "supervisor"
	RoleUser        = "user" // an extension's user: the portal only
)

// ValidRole reports whether r is one of the five roles.
func ValidRole(r string) bool {
	switch r {
	case RoleAdmin, RoleTenantAdmin, RoleOperator, RoleSupervisor, RoleUser:
		return true
	}
	return false
}

// PasswordHash is a PBKDF2-SHA256 password hash (web/auth computes it).
type PasswordHash struct {
	Salt []byte `json:"salt"`
	Iter int    `json:"iter"`
	Hash []byte `json:"hash"`
}

func (h PasswordHash) valid() bool {
	return len(h.Salt) >= 16 && len(h.Salt) <= 64 && h.Iter >= 1 && h.Iter <= 10_000_000 && len(h.Hash) == 32
}

// User is a person who logs in to the admin UI or the portal.
type User struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// Tenant is the tenant a tenant_admin manages (required for that role,
	// optional for operator and supervisor, none for admin and user).
	Tenant string `json:"tenant,omitempty"`
	// Ext is the extension a user-role account belongs to (required for
	// that role, none for the others).
	Ext       string       `json:"ext,omitempty"`
	Password  PasswordHash `json:"password"`
	Disabled  bool         `json:"disabled,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// ValidUserName reports whether n can name a user: 1-64 letters, digits,
// '.', '-', '_' or '@', not all digits (digits log in as an extension).
func ValidUserName(n string) bool {
	if n == "" || len(n) > 64 || isDigits(n) {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '@') {
			return false
		}
	}
	return true
}

// Validate checks what needs no other record. Errors are *FieldError.
func (u *User) Validate() error {
	switch {
	case !ValidUserName(u.Name):
		return invalid("name", "required: 1-64 letters, digits, '.', '-', '_' or '@', not only digits")
	case !ValidRole(u.Role):
		return invalid("role", fmt.Sprintf("%q: want admin, tenant_admin, operator, supervisor or user", truncateText(u.Role)))
	case !u.Password.valid():
		return invalid("password", "required")
	}
	switch u.Role {
	case RoleTenantAdmin:
		if u.Tenant == "" {
			return invalid("tenant", "required for a tenant_admin: the tenant it manages")
		}
	case RoleAdmin, RoleUser:
		if u.Tenant != "" {
			return invalid("tenant", "only tenant_admin, operator and supervisor users have a tenant")
		}
	}
	if u.Tenant != "" && !validName(u.Tenant) {
		return invalid("tenant", fmt.Sprintf("%q: want a tenant's name", truncateText(u.Tenant)))
	}
	if u.Role == RoleUser {
		if err := validNumber(u.Ext); err != nil {
			return invalid("ext", "required for a user: the extension number it belongs to")
		}
	} else if u.Ext != "" {
		return invalid("ext", "only users of role user belong to an extension")
	}
	return nil
}

func userKey(name string) []byte { return []byte(userPrefix + name) }

// checkUserRefs checks, in the writing transaction, that the tenant and
// the extension a user names exist.
func checkUserRefs(txn *badger.Txn, u *User) error {
	if u.Tenant != "" {
		if _, err := txn.Get(tenantKey(u.Tenant)); errors.Is(err, badger.ErrKeyNotFound) {
			return invalid("tenant", fmt.Sprintf("no tenant named %q", u.Tenant))
		} else if err != nil {
			return err
		}
	}
	if u.Ext != "" {
		if _, err := txn.Get(extKey(u.Ext)); errors.Is(err, badger.ErrKeyNotFound) {
			return invalid("ext", fmt.Sprintf("no extension %s", u.Ext))
		} else if err != nil {
			return err
		}
	}
	return nil
}

// CreateUser validates and stores a new user; ErrExists when the name is
// taken, a *FieldError for a missing tenant or extension. Synced.
func (s *Store) CreateUser(u User) error {
	if err := u.Validate(); err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	now := time.Now().UTC()
	u.CreatedAt, u.UpdatedAt = now, now
	err := s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(userKey(u.Name)); err == nil {
			return ErrExists
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if n, err := countKeys(txn, userPrefix); err != nil {
			return err
		} else if n >= MaxUsers {
			return invalid("name", fmt.Sprintf("at most %d users", MaxUsers))
		}
		if err := checkUserRefs(txn, &u); err != nil {
			return err
		}
		val, err := marshal(u)
		if err != nil {
			return err
		}
		return txn.Set(userKey(u.Name), val)
	})
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Name, err)
	}
	return nil
}

// UpdateUser changes a user with fn, atomically, and validates the result
// (the name cannot change); ErrNotFound when absent. Synced.
func (s *Store) UpdateUser(name string, fn func(*User) error) (User, error) {
	var out User
	err := s.update(true, func(txn *badger.Txn) error {
		var u User
		if err := getRoute(txn, userKey(name), &u); err != nil {
			return err
		}
		if err := fn(&u); err != nil {
			return err
		}
		u.Name = name
		if err := u.Validate(); err != nil {
			return err
		}
		if err := checkUserRefs(txn, &u); err != nil {
			return err
		}
		u.UpdatedAt = time.Now().UTC()
		val, err := marshal(u)
		if err != nil {
			return err
		}
		out = u
		return txn.Set(userKey(name), val)
	})
	if err != nil {
		return User{}, fmt.Errorf("update user %s: %w", name, err)
	}
	return out, nil
}

// GetUser returns a user; ErrNotFound when absent.
func (s *Store) GetUser(name string) (User, error) {
	var u User
	if !ValidUserName(name) {
		return User{}, fmt.Errorf("get user %q: %w", truncateText(name), ErrNotFound)
	}
	if err := s.view(func(txn *badger.Txn) error { return getRoute(txn, userKey(name), &u) }); err != nil {
		return User{}, fmt.Errorf("get user %s: %w", name, err)
	}
	return u, nil
}

// ListUsers returns every user by name.
func (s *Store) ListUsers() ([]User, error) {
	out := []User{}
	err := s.view(func(txn *badger.Txn) error {
		return iterate(txn, userPrefix, func(item *badger.Item) error {
			var u User
			if err := decodeItem(item, &u); err != nil {
				return err
			}
			out = append(out, u)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DeleteUser removes a user and the API tokens it created; ErrNotFound
// when absent. Synced.
func (s *Store) DeleteUser(name string) error {
	err := s.deleteKey(userKey(name), func(txn *badger.Txn) error {
		toks, err := listTokens(txn)
		if err != nil {
			return err
		}
		for _, t := range toks {
			if t.CreatedBy == name {
				if err := txn.Delete(tokenKey(t.ID)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete user %s: %w", name, err)
	}
	return nil
}

// APIToken is a bearer token for automation. Only the SHA-256 of the
// secret is stored: the secret is shown once, when it is created.
type APIToken struct {
	ID        string    `json:"id"` // public, 16 hex digits
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Tenant    string    `json:"tenant,omitempty"` // the creator's
	CreatedBy string    `json:"created_by"`
	Hash      []byte    `json:"hash,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: never
}

// ValidTokenID reports whether id has a token ID's shape.
func ValidTokenID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Validate checks a token's fields. Errors are *FieldError.
func (t *APIToken) Validate() error {
	switch {
	case !ValidTokenID(t.ID):
		return invalid("id", "must be 16 lower-case hex digits")
	case t.Name == "" || len(t.Name) > maxTokenNameLen || hasControl(t.Name):
		return invalid("name", fmt.Sprintf("required: 1-%d printable bytes", maxTokenNameLen))
	case !ValidRole(t.Role) || t.Role == RoleUser:
		return invalid("role", fmt.Sprintf("%q: want admin, tenant_admin, operator or supervisor", truncateText(t.Role)))
	case t.Role == RoleTenantAdmin && t.Tenant == "":
		return invalid("tenant", "required for a tenant_admin token")
	case t.Tenant != "" && !validName(t.Tenant):
		return invalid("tenant", "want a tenant's name")
	case t.CreatedBy == "" || len(t.CreatedBy) > 64 || hasControl(t.CreatedBy):
		return invalid("created_by", "required")
	case len(t.Hash) != 32:
		return invalid("hash", "must be a SHA-256")
	}
	return nil
}

func tokenKey(id string) []byte { return []byte(tokenPrefix + id) }

// CreateToken stores a new token; ErrExists for an ID in use, a
// *FieldError beyond MaxTokens. Synced.
func (s *Store) CreateToken(t APIToken) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	err := s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(tokenKey(t.ID)); err == nil {
			return ErrExists
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if n, err := countKeys(txn, tokenPrefix); err != nil {
			return err
		} else if n >= MaxTokens {
			return invalid("name", fmt.Sprintf("at most %d tokens: delete unused ones first", MaxTokens))
		}
		val, err := marshal(t)
		if err != nil {
			return err
		}
		return txn.Set(tokenKey(t.ID), val)
	})
	if err != nil {
		return fmt.Errorf("create token %s: %w", t.Name, err)
	}
	return nil
}

// GetToken returns a token (with its hash); ErrNotFound when absent.
func (s *Store) GetToken(id string) (APIToken, error) {
	if !ValidTokenID(id) {
		return APIToken{}, fmt.Errorf("get token: %w", ErrNotFound)
	}
	var t APIToken
	if err := s.view(func(txn *badger.Txn) error { return getRoute(txn, tokenKey(id), &t) }); err != nil {
		return APIToken{}, fmt.Errorf("get token %s: %w", id, err)
	}
	return t, nil
}

// ListTokens returns every token, oldest first, without hashes.
func (s *Store) ListTokens() ([]APIToken, error) {
	var out []APIToken
	err := s.view(func(txn *badger.Txn) (err error) {
		out, err = listTokens(txn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	for i := range out {
		out[i].Hash = nil
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// DeleteToken removes a token; ErrNotFound when absent. Synced.
func (s *Store) DeleteToken(id string) error {
	if !ValidTokenID(id) {
		return fmt.Errorf("delete token: %w", ErrNotFound)
	}
	if err := s.deleteKey(tokenKey(id), nil); err != nil {
		return fmt.Errorf("delete token %s: %w", id, err)
	}
	return nil
}

func listTokens(txn *badger.Txn) ([]APIToken, error) {
	out := []APIToken{}
	err := iterate(txn, tokenPrefix, func(item *badger.Item) error {
		var t APIToken
		if err := decodeItem(item, &t); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// countKeys counts the keys under prefix without reading values.
func countKeys(txn *badger.Txn, prefix string) (int, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		n++
	}
	return n, nil
}
