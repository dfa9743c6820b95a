package store

import (
	"errors"
	"testing"
	"time"
)

var testHash = PasswordHash{Salt: make([]byte, 16), Iter: 1, Hash: make([]byte, 32)}

func TestUserValidateAndRefs(t *testing.T) {
	s := openMem(t)
	if err := s.PutTenant(Tenant{Name: "acme", Domain: "acme.example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateExtension(Extension{Number: "201", Password: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		u     User
		field string
	}{
		{User{Name: "", Role: RoleAdmin, Password: testHash}, "name"},
		{User{Name: "1234", Role: RoleAdmin, Password: testHash}, "name"},
		{User{Name: "a b", Role: RoleAdmin, Password: testHash}, "name"},
		{User{Name: "ann", Role: "root", Password: testHash}, "role"},
		{User{Name: "ann", Role: RoleAdmin}, "password"},
		{User{Name: "ann", Role: RoleTenantAdmin, Password: testHash}, "tenant"},
		{User{Name: "ann", Role: RoleAdmin, Tenant: "acme", Password: testHash}, "tenant"},
		{User{Name: "ann", Role: RoleUser, Password: testHash}, "ext"},
		{User{Name: "ann", Role: RoleOperator, Ext: "201", Password: testHash}, "ext"},
		{User{Name: "ann", Role: RoleTenantAdmin, Tenant: "nope", Password: testHash}, "tenant"},
		{User{Name: "ann", Role: RoleUser, Ext: "999", Password: testHash}, "ext"},
	} {
		wantField(t, s.CreateUser(c.u), c.field)
	}
	ok := []User{
		{Name: "ann@example.com", Role: RoleAdmin, Password: testHash},
		{Name: "bob", Role: RoleTenantAdmin, Tenant: "acme", Password: testHash},
		{Name: "carl", Role: RoleUser, Ext: "201", Password: testHash},
	}
	for _, u := range ok {
		if err := s.CreateUser(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateUser(ok[0]); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	list, err := s.ListUsers()
	if err != nil || len(list) != 3 || list[0].Name != "ann@example.com" || list[1].Tenant != "acme" {
		t.Fatalf("list %+v %v", list, err)
	}
	u, err := s.UpdateUser("bob", func(u *User) error { u.Disabled = true; u.Name = "renamed"; return nil })
	if err != nil || !u.Disabled || u.Name != "bob" {
		t.Fatalf("update %+v %v", u, err)
	}
	if _, err := s.UpdateUser("bob", func(u *User) error { u.Tenant = ""; return nil }); !errors.Is(err, ErrInvalid) {
		t.Fatalf("update to invalid: %v", err)
	}
	if got, _ := s.GetUser("bob"); got.Tenant != "acme" || !got.Disabled {
		t.Fatalf("a refused update changed the record: %+v", got)
	}
	if _, err := s.UpdateUser("nobody", func(*User) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update absent: %v", err)
	}
	if _, err := s.GetUser("../x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get bad name: %v", err)
	}
}

func TestTokens(t *testing.T) {
	s := openMem(t)
	if err := s.CreateUser(User{Name: "ann", Role: RoleAdmin, Password: testHash}); err != nil {
		t.Fatal(err)
	}
	tok := APIToken{ID: "0123456789abcdef", Name: "ci", Role: RoleOperator, CreatedBy: "ann", Hash: make([]byte, 32), CreatedAt: time.Now()}
	if err := s.CreateToken(tok); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(tok); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	bad := tok
	bad.ID, bad.Role = "fedcba9876543210", RoleUser
	wantField(t, s.CreateToken(bad), "role")
	bad.Role, bad.Hash = RoleOperator, nil
	wantField(t, s.CreateToken(bad), "hash")
	got, err := s.GetToken(tok.ID)
	if err != nil || len(got.Hash) != 32 {
		t.Fatalf("get %+v %v", got, err)
	}
	list, err := s.ListTokens()
	if err != nil || len(list) != 1 || list[0].Hash != nil {
		t.Fatalf("list must not show hashes: %+v %v", list, err)
	}
	// Deleting the creator deletes its tokens.
	if err := s.DeleteUser("ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetToken(tok.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token outlived its creator: %v", err)
	}
	if err := s.DeleteToken("nothex"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}
